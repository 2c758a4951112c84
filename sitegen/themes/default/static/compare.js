// The compare page: any two versions of an article, diffed in the browser. The page holds
// every version's blocks as JSON (#compare-data, docs/compare.md), cut by the Python engine's
// splitter; this is a small port of that engine (sitegen/diff). Identical blocks are matched
// by a longest common subsequence (LCS) of their token keys; between them one word-level LCS
// links the blocks sharing enough text into changed entries, the rest are deleted or inserted,
// and deleted and inserted blocks with (nearly) the same tokens become moves. Article text
// reaches the page only through text nodes.

const VIEW_KEY = "sitegen-diff-view"; // the diff pages' key: one remembered preference
const MAX_CELLS = 25e6; // an LCS bigger than this (old × new tokens) is treated as a rewrite
const ISLAND = 4, CONTEXT = 2, FOLD_FROM = 12, FLOW_RUN = 5, MOVE_MIN = 2 / 3, MOVE_PAIRS = 4096;

// Tokens as sitegen/diff/tokens.py cuts them: a number with its currency, decimals, unit and
// percent (£2.26bn, 2.5%), a word (apostrophes inside), or a punctuation mark (or a run of the
// same one). Whitespace is never a token: it stays in the raw text of the token before it.
const IGN = "\u00ad\u200b\u200c\u200d\u2060\ufeff";
const WORD = "\\p{L}\\p{N}_\\p{M}"; // Python's \w, plus combining marks
const SPACE = `\\s\\x1c-\\x1f\\x85${IGN}`; // Python's \s, plus the ignorable characters
const IN = `[${WORD}${IGN}]`;
const TOKEN = new RegExp(`([$£€¥₹]?\\p{Nd}+(?:[.,:]\\p{Nd}+)*${IN}*%?|[${WORD}]${IN}*`
  + `(?:['\u2019]${IN}+)*|([^${WORD}${SPACE}])\\2*\\p{M}*)[${SPACE}]*`, "gu");
const FOLD = {}; // quote, apostrophe and dash styles compare equal; ignorables vanish
const STYLES = { "quotation marks": {}, dashes: {}, "invisible characters": {} };
for (const [chars, to, kind] of [["\u2018\u2019\u201a\u201b\u2032\u2039\u203a", "'", "quotation marks"],
  ["\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e\uff02", '"', "quotation marks"],
  ["\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-", "dashes"],
  [IGN, "", "invisible characters"]]) {
  for (const c of chars) FOLD[c] = STYLES[kind][c] = to;
}
const FOLDS = new RegExp(`[${Object.keys(FOLD).join("")}]`, "gu");
const key = (t) => (/^[\0-\x7f]*$/.test(t) ? t : t.normalize("NFKC").replace(FOLDS, (c) => FOLD[c]));
const isWord = (k) => /[\p{L}\p{N}]/u.test(k);

// --- Cosmetic differences, as sitegen/diff/style.py names and marks them -------------------

const KINDS = ["quotation marks", "apostrophes", "dashes", "letter case", "spacing",
  "character forms", "invisible characters"];
const swap = (map) => (t) => [...t].map((c) => map[c] ?? c).join("");
const TOKEN_FOLDS = {
  "invisible characters": swap(STYLES["invisible characters"]),
  "character forms": (t) => t.normalize("NFKC"),
  "quotation marks": swap({ ...STYLES["quotation marks"], "'": "'", '"': '"' }),
  dashes: swap(STYLES.dashes),
  "letter case": (t) => t.toUpperCase().toLowerCase(),
};
const foldAll = (t, skip) => Object.entries(TOKEN_FOLDS)
  .reduce((x, [name, fold]) => (name === skip ? x : fold(x)), t);
const WS = "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEAD = new RegExp(`^[${WS}]*`), TRAIL = new RegExp(`[${WS}]*$`);

/** A token's raw text as [whitespace before, the token, whitespace after]. */
function split(raw) {
  const lead = raw.match(LEAD)[0].length, trail = Math.max(raw.length - raw.match(TRAIL)[0].length, lead);
  return [raw.slice(0, lead), raw.slice(lead, trail), raw.slice(trail)];
}

function tokenKinds(a, b) { // the kinds of difference between two forms of one token
  if (a === b) return [];
  const found = Object.keys(TOKEN_FOLDS).filter((name) => foldAll(a, name) !== foldAll(b, name));
  const at = found.indexOf("quotation marks");
  if (at >= 0 && isWord(foldAll(b, ""))) found[at] = "apostrophes"; // a quote inside a word
  return found.length ? found : ["character forms"];
}

function tokenPairs(p) { // an equal part's tokens as [old raw, new raw] pairs
  const a = tokenize(p.old).raws, b = tokenize(p.new).raws;
  return a.length === b.length ? a.map((x, i) => [x, b[i]]) : [[p.old, p.new]];
}

const restyled = (p) => p.op === "=" && p.old !== p.new
  && tokenPairs(p).some(([a, b]) => split(a)[1] !== split(b)[1]);

function partKinds(list, found) {
  for (const p of list) {
    if (p.op !== "=" || p.old === p.new) continue;
    for (const [a, b] of tokenPairs(p)) {
      const [x, y] = [split(a), split(b)];
      for (const kind of tokenKinds(x[1], y[1])) found.add(kind);
      if (x[0] !== y[0] || x[2] !== y[2]) found.add("spacing");
    }
  }
  return found;
}

const names = (kinds) => (kinds.length === 1 ? kinds[0]
  : `${kinds.slice(0, -1).join(", ")} and ${kinds[kinds.length - 1]}`);

/** Keys (what comparison sees) and raws (exact text: they concatenate back to `text`). */
export function tokenize(text) {
  const keys = [], starts = [];
  for (const m of text.matchAll(TOKEN)) { keys.push(key(m[1])); starts.push(m.index); }
  return { keys, raws: starts.map((s, i) => text.slice(i ? s : 0, starts[i + 1] ?? text.length)) };
}

/** Matching runs [i, j, length] of an LCS of a and b, as sitegen/diff/sequence.py finds them. */
export function matches(a, b) {
  let lo = 0, ahi = a.length, bhi = b.length, tail = 0;
  while (lo < ahi && lo < bhi && a[lo] === b[lo]) lo++;
  while (ahi > lo && bhi > lo && a[ahi - 1] === b[bhi - 1]) { ahi--; bhi--; tail++; }
  const pairs = [];
  for (let k = 0; k < lo; k++) pairs.push([k, k]);
  if (lo < ahi && lo < bhi && (ahi - lo) * (bhi - lo) <= MAX_CELLS) lcs(a, b, lo, ahi, bhi, pairs);
  for (let k = 0; k < tail; k++) pairs.push([ahi + k, bhi + k]);
  const runs = [];
  for (const [i, j] of pairs) {
    const r = runs[runs.length - 1];
    if (r && r[0] + r[2] === i && r[1] + r[2] === j) r[2]++; else runs.push([i, j, 1]);
  }
  return runs;
}

// Bit-parallel LCS (Allison-Dix / Hyyrö) with rows of 32-bit words: bit i of row j is 0 where
// a[:i+1] has one more common token with b[:j+1] than a[:i]; the backtrack reads those bits.
function lcs(a, b, lo, ahi, bhi, out) {
  const n = ahi - lo, m = bhi - lo, W = (n + 31) >>> 5, masks = new Map();
  for (let i = 0; i < n; i++) {
    if (!masks.has(a[lo + i])) masks.set(a[lo + i], new Uint32Array(W));
    masks.get(a[lo + i])[i >>> 5] |= 1 << (i & 31);
  }
  const rows = new Uint32Array(m * W), none = new Uint32Array(W), top = n & 31 ? 2 ** (n & 31) - 1 : -1;
  let row = new Uint32Array(W).fill(-1);
  row[W - 1] = top;
  for (let j = 0; j < m; j++) { // row = ((row + match) | (row - match)) & full, word by word
    const mask = masks.get(b[lo + j]) || none, at = j * W;
    for (let w = 0, carry = 0, borrow = 0; w < W; w++) {
      const r = row[w], x = (r & mask[w]) >>> 0, sum = r + x + carry, diff = r - x - borrow;
      carry = sum > 0xffffffff ? 1 : 0;
      borrow = diff < 0 ? 1 : 0;
      rows[at + w] = sum | diff;
    }
    rows[at + W - 1] &= top;
    row = rows.subarray(at, at + W);
  }
  const found = [];
  for (let i = n, j = m; i && j;) {
    if ((rows[(j - 1) * W + ((i - 1) >>> 5)] >>> ((i - 1) & 31)) & 1) i--;
    else if (a[lo + i - 1] === b[lo + j - 1]) found.push([lo + --i, lo + --j]);
    else j--;
  }
  for (let k = found.length - 1; k >= 0; k--) out.push(found[k]);
}

/** A version as the engine's Doc: blocks with their token ranges, flat keys and raws. */
export function versionDoc(data, number, cache = []) {
  const doc = { blocks: [], keys: [], raws: [], owner: [], ids: [] };
  for (const index of data.versions[number].blocks) {
    const [kind, level, text, hidden = []] = data.blocks[index];
    const t = (cache[index] ??= tokenize(text));
    t.id ??= t.keys.join("\n"); // blocks with the same keys are identical
    const start = doc.keys.length;
    doc.blocks.push({ kind, level, text, hidden, start, end: start + t.keys.length });
    t.keys.forEach((k, n) => {
      doc.keys.push(k);
      doc.raws.push(t.raws[n]);
      doc.owner.push(doc.ids.length);
    });
    doc.ids.push(t.id);
  }
  return doc;
}

const span = (doc, lo, hi) => (hi > lo ? [doc.blocks[lo].start, doc.blocks[hi - 1].end] : [0, 0]);
const size = (doc, lo, hi) => span(doc, lo, hi)[1] - span(doc, lo, hi)[0];
const keysOf = (doc, lo, hi) => doc.keys.slice(...span(doc, lo, hi));
const entry = (op, olo, ohi, nlo, nhi) => ({ op, olo, ohi, nlo, nhi });
const COUNTED = { changed: "changed", deleted: "removed", inserted: "added", move_out: "moved" };

// Blocks a[alo:ahi] against b[blo:bhi], no identical pair among them (align.py's regions):
// one word diff over them all; blocks sharing enough of it are linked into groups (changed
// entries), the others are deleted or inserted.
function region(A, B, alo, ahi, blo, bhi, ops) {
  const groups = [], links = new Map();
  const ta = A.blocks[alo]?.start, tb = B.blocks[blo]?.start;
  const runs = alo < ahi && blo < bhi ? matches(keysOf(A, alo, ahi), keysOf(B, blo, bhi)) : [];
  for (let [i, j, run] of runs) { // count the common tokens of each (old, new) block pair
    const pieces = [], length = run;
    for (i += ta, j += tb; run;) {
      const o = A.owner[i], n = B.owner[j];
      const step = Math.min(run, A.blocks[o].end - i, B.blocks[n].end - j);
      if (!links.has(`${o} ${n}`)) links.set(`${o} ${n}`, { o, n, weight: 0, words: 0, flow: false });
      const link = links.get(`${o} ${n}`);
      link.weight += step;
      for (let k = i; k < i + step; k++) link.words += isWord(A.keys[k]);
      pieces.push(link);
      i += step; j += step; run -= step;
    }
    if (pieces.length > 1 && length >= FLOW_RUN) for (const p of pieces) p.flow = true; // reflowed text
  }
  const best = new Map();
  for (const { o, n, weight } of links.values()) {
    best.set(`o${o}`, Math.max(best.get(`o${o}`) ?? 0, weight));
    best.set(`n${n}`, Math.max(best.get(`n${n}`) ?? 0, weight));
  }
  const sorted = [...links.values()].sort((x, y) => x.o - y.o || x.n - y.n);
  for (const { o, n, weight, words, flow } of sorted) { // align.py's rules for a link
    const old = size(A, o, o + 1), neu = size(B, n, n + 1), small = Math.min(old, neu);
    const mutual = best.get(`o${o}`) === weight && weight === best.get(`n${n}`) && words >= 2;
    if (!flow && !(mutual && weight >= 0.15 * small) && weight < 0.3 * Math.max(old, neu)
        && !(weight >= 0.5 * small && (weight >= 3 || weight === small))) continue;
    const g = groups[groups.length - 1];
    if (g && (o <= g[1] || n <= g[3])) { g[1] = Math.max(g[1], o); g[3] = Math.max(g[3], n); }
    else groups.push([o, o, n, n]);
  }
  let o = alo, n = blo;
  for (const [olo, ohi, nlo, nhi] of [...groups, [ahi, ahi - 1, bhi, bhi - 1]]) {
    for (; o < olo; o++) ops.push(entry("deleted", o, o + 1, n, n));
    for (; n < nlo; n++) ops.push(entry("inserted", olo, olo, n, n + 1));
    if (olo < ahi) ops.push(entry("changed", olo, ohi + 1, nlo, nhi + 1));
    [o, n] = [ohi + 1, nhi + 1];
  }
}

// Deleted and inserted blocks with the same tokens, or two thirds of them in order, are moves.
function moves(A, B, ops) {
  const pair = (out, into) => {
    Object.assign(out, { op: "move_out", move: into });
    Object.assign(into, { op: "move_in", move: out });
  };
  const waiting = new Map();
  for (const g of ops.filter((x) => x.op === "deleted" && size(A, x.olo, x.ohi))) {
    waiting.set(A.ids[g.olo], [...(waiting.get(A.ids[g.olo]) ?? []), g]);
  }
  for (const c of ops.filter((x) => x.op === "inserted" && waiting.get(B.ids[x.nlo])?.length)) {
    pair(waiting.get(B.ids[c.nlo]).shift(), c);
  }
  const gone = ops.filter((x) => x.op === "deleted"), came = ops.filter((x) => x.op === "inserted");
  if (!gone.length || !came.length || gone.length * came.length > MOVE_PAIRS) return;
  const bag = (keys) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
  const old = gone.map((g) => keysOf(A, g.olo, g.ohi)), neu = came.map((c) => keysOf(B, c.nlo, c.nhi));
  const bags = neu.map(bag), found = [];
  gone.forEach((g, x) => came.forEach((c, y) => {
    let common = 0;
    const total = old[x].length + neu[y].length;
    for (const [k, count] of bag(old[x])) common += Math.min(count, bags[y].get(k) ?? 0);
    if (2 * common >= MOVE_MIN * total) found.push([common / total, x, y]);
  }));
  for (const [, x, y] of found.sort((p, q) => q[0] - p[0] || p[1] - q[1] || p[2] - q[2])) {
    const common = matches(old[x], neu[y]).reduce((sum, r) => sum + r[2], 0);
    if (gone[x].op === "deleted" && came[y].op === "inserted"
        && 2 * common >= MOVE_MIN * (old[x].length + neu[y].length)) pair(gone[x], came[y]);
  }
}

// The word diff of tokens A[ta:ta1] and B[tb:tb1] as parts {op: "=", "-" or "+", old, new, keys}.
function parts(A, [ta, ta1], B, [tb, tb1]) {
  const out = [], ak = A.keys.slice(ta, ta1), bk = B.keys.slice(tb, tb1);
  const text = (doc, from, to) => doc.raws.slice(from, to).join("");
  let i = 0, j = 0;
  for (const [ri, rj, run] of [...matches(ak, bk), [ak.length, bk.length, 0]]) {
    if (ri > i) out.push({ op: "-", old: text(A, ta + i, ta + ri), new: "", keys: ak.slice(i, ri) });
    if (rj > j) out.push({ op: "+", old: "", new: text(B, tb + j, tb + rj), keys: bk.slice(j, rj) });
    if (run) {
      out.push({ op: "=", old: text(A, ta + ri, ta + ri + run), new: text(B, tb + rj, tb + rj + run),
        keys: ak.slice(ri, ri + run) });
    }
    [i, j] = [ri + run, rj + run];
  }
  return out;
}

/** The diff of two docs: its entries in document order, each with its parts, and stats. */
export function diffDocs(A, B) {
  const ops = [];
  let i = 0, j = 0;
  for (const [ri, rj, run] of [...matches(A.ids, B.ids), [A.blocks.length, B.blocks.length, 0]]) {
    region(A, B, i, ri, j, rj, ops);
    for (let k = 0; k < run; k++) ops.push(entry("equal", ri + k, ri + k + 1, rj + k, rj + k + 1));
    [i, j] = [ri + run, rj + run];
  }
  moves(A, B, ops);
  const stats = { changed: 0, added: 0, removed: 0, moved: 0, removedWords: [], addedWords: [],
    tokens: 0, kinds: new Set() };
  ops.forEach((op, n) => {
    const [out, into] = op.op === "move_in" ? [op.move, op] : [op, op.move ?? op];
    op.index = n;
    op.parts = parts(A, span(A, out.olo, out.ohi), B, span(B, into.nlo, into.nhi));
    if (op.op === "changed" && op.ohi - op.olo === 1 && op.nhi - op.nlo === 1
        && op.parts.every((p) => p.op === "=")) op.op = "equal";
    op.styled = op.op === "equal" && op.parts.some((p) => p.old !== p.new);
    op.cosmetic = op.op === "equal" && op.parts.some(restyled);
    if (op.op !== "move_in") partKinds(op.parts, stats.kinds);
    if (!COUNTED[op.op]) return; // a move's own changes count once, at its old place
    stats[COUNTED[op.op]] += 1;
    for (const p of op.parts) if (p.op !== "=") stats.tokens += p.keys.length;
    for (const p of op.parts) for (const k of p.op === "=" ? [] : p.keys.filter(isWord)) {
      (p.op === "-" ? stats.removedWords : stats.addedWords).push(k);
    }
  });
  return { ops, stats };
}

// --- Presentation, as sitegen/diff/readable.py and html.py draw it --------------------------

function merge(list) { // each run of changes as one delete then one insert; n: tokens
  const out = [];
  let run = {};
  const flush = () => { out.push(...[run["-"], run["+"]].filter(Boolean)); run = {}; };
  for (const p of list) {
    const n = p.n ?? p.keys.length, c = run[p.op] ?? { op: p.op, old: "", new: "", n: 0 };
    if (p.op === "=") { flush(); out.push({ ...p, n }); }
    else run[p.op] = { ...c, old: c.old + p.old, new: c.new + p.new, n: c.n + n };
  }
  flush();
  return out;
}

// Short common runs between bigger changes are folded into them, as an editor strikes a phrase.
function readable(list) {
  const side = (m, at, step) => {
    const count = { "-": 0, "+": 0 };
    for (let k = at + step; m[k] && m[k].op !== "="; k += step) count[m[k].op] += m[k].n;
    return Math.max(count["-"], count["+"]);
  };
  for (let m = merge(list); ;) {
    const k = m.findIndex((p, k) => p.op === "=" && m[k - 1] && m[k - 1].op !== "=" && m[k + 1]
      && m[k + 1].op !== "=" && p.n <= ISLAND && p.n <= side(m, k, -1) && p.n <= side(m, k, 1));
    if (k < 0) return m;
    const { old, new: neu, n } = m[k];
    m = merge([...m.slice(0, k), { op: "-", old, new: "", n }, { op: "+", old: "", new: neu, n },
      ...m.slice(k + 1)]);
  }
}

function* pieces(list, mode) { // [tag, side, offset on that side, text] of what `mode` shows
  let old = 0, neu = 0;
  for (const p of list) {
    const [side, at] = mode === "old" ? ["old", old] : ["new", neu];
    if (p.op === "=" && p.old === p.new) yield [null, side, at, p[side]];
    else if (p.op === "=") { // restyled tokens are tagged "style" ("style:<old form>" inline)
      let pos = at;
      for (const [a, b] of tokenPairs(p)) {
        const [lead, core, trail] = split(side === "old" ? a : b), other = split(side === "old" ? b : a)[1];
        const mark = core === other ? null : mode === "inline" ? `style:${other}` : "style";
        for (const [tag, text] of [[null, lead], [mark, core], [null, trail]]) {
          if (text) { yield [tag, side, pos, text]; pos += text.length; }
        }
      }
    } else if (p.op === "-" && mode !== "new") yield ["del", "old", old, p.old];
    else if (p.op === "+" && mode !== "old") yield ["ins", "new", neu, p.new];
    [old, neu] = [old + p.old.length, neu + p.new.length];
  }
}

function visible(text, at, ranges) { // text found at offset `at`, without the Markdown markers
  let out = "", pos = 0;
  for (const [a, b] of ranges.filter(([a, b]) => a < at + text.length && b > at)) {
    out += text.slice(pos, Math.max(a - at, pos));
    pos = Math.max(pos, b - at);
  }
  return out + text.slice(pos);
}

function layout(list, olds, news, mode) { // the pieces grouped by the block they show in
  const baseSide = mode === "old" || !news.length ? "old" : "new";
  const base = baseSide === "old" ? olds : news;
  const ranges = { old: [], new: [] }, ends = [], out = base.map(() => []);
  for (const [side, blocks] of [["old", olds], ["new", news]]) {
    let at = 0;
    for (const b of blocks) {
      for (const [x, y] of b.hidden) ranges[side].push([at + x, at + y]);
      at += b.text.length;
      if (b === base[ends.length]) ends.push(at);
    }
  }
  let k = 0;
  for (let [tag, side, pos, text] of pieces(list, baseSide === "old" ? "old" : mode)) {
    if (side !== baseSide) { out[k].push([tag, visible(text, pos, ranges[side])]); continue; }
    while (text) {
      while (k < ends.length - 1 && pos >= ends[k]) k++;
      const cut = ends[k] > pos ? Math.min(text.length, ends[k] - pos) : text.length;
      out[k].push([tag, visible(text.slice(0, cut), pos, ranges[side])]);
      [text, pos] = [text.slice(cut), pos + cut];
    }
  }
  return base.map((b, i) => [b, out[i]]);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

const SR = { del: ["[removed: ", "]"], ins: ["[added: ", "]"] };
// <del>/<ins> around the text, whitespace outside, with the words screen readers say.
function marked(tag, text) {
  const core = text.trim();
  if (!tag || !core) return [text];
  if (tag.startsWith("style")) { // quiet: no screen-reader words, the old form as a tooltip
    const mark = el("span", "diff-style", text);
    if (tag[5] === ":") mark.title = `was ${tag.slice(6)}`;
    return [mark];
  }
  const mark = el(tag);
  mark.append(el("span", "diff-sr", SR[tag][0]), core, el("span", "diff-sr", SR[tag][1]));
  const lead = text.slice(0, text.length - text.trimStart().length);
  return [lead, mark, text.slice(text.trimEnd().length)];
}

// A space between a deletion and the insertion that replaces it when nothing separates them,
// and between two words from different sides that meet without one (html.py's `spaced`).
const alnum = (c) => /^[\p{L}\p{N}]$/u.test(c), blank = (c) => /^[\s\x1c-\x1f\x85]$/.test(c);
function spaced(list) {
  const out = [];
  let last = null; // the side of the piece before: "del", "ins" or null (both sides' text)
  for (const [tag, text] of list) {
    const side = tag === "del" || tag === "ins" ? tag : null, prev = out[out.length - 1];
    if (prev && text && prev[1] && last !== side) {
      const before = prev[1].slice(-1), after = text[0];
      if (!blank(before) && !blank(after) && ((alnum(before) && alnum(after))
          || (last === "del" && side === "ins" && (alnum(before) || alnum(after))))) {
        out.push([null, " "]);
      }
    }
    out.push([tag, text]);
    if (text) last = side;
  }
  return out;
}

function blockNode(block, list, extra, note) { // one block's element, by its kind
  let ps = list.filter(([, t]) => t);
  const edge = (i, f) => { if (ps.length) ps[i] = [ps[i][0], f(ps[i][1])]; };
  if (block.kind !== "code") { // leading and trailing whitespace mean nothing outside <pre>
    while (ps.length && !ps[ps.length - 1][1].trim()) ps.pop();
    while (ps.length && !ps[0][1].trim()) ps.shift();
    edge(0, (t) => t.trimStart());
    edge(ps.length - 1, (t) => t.trimEnd());
  } else {
    while (ps.length && !ps[ps.length - 1][1].replace(/\n/g, "")) ps.pop();
    edge(ps.length - 1, (t) => t.replace(/\n+$/, ""));
    ps = ps.map(([tag, t]) => [tag, t.replace(/[ \t]*\n\s*/g, "\n")]);
  }
  const level = block.kind === "heading" ? ` diff-h${block.level}` : "";
  const wrap = { heading: ["p", "strong"], quote: ["blockquote", "p"], code: ["pre", "code"] }[block.kind];
  const classes = `diff-block diff-${block.kind}${level}${extra}`;
  const outer = el(wrap ? wrap[0] : "p", classes), inner = wrap ? outer.appendChild(el(wrap[1])) : outer;
  if (block.kind === "list_item" && /^[-*+]/.test(block.text.trimStart())) inner.append("\u2022 ");
  for (const [tag, text] of spaced(ps)) inner.append(...marked(tag, text));
  if (note) inner.append(" ", el("span", "diff-note", note));
  return outer;
}

function blocks(list, olds, news, mode, extra = "", note = "") {
  const laid = layout(readable(list), olds, news, mode);
  return laid.map(([b, ps], n) => blockNode(b, ps, extra, n === laid.length - 1 ? note : ""));
}

function gap(run, count, restyledCount, row) { // the button that shows a folded run
  const box = el(row ? "tr" : "div", "fold-gap"), cell = row ? box.appendChild(el("td")) : box;
  const some = restyledCount ? ` (${restyledCount} restyled)` : "";
  const words = `Show ${count} unchanged paragraph${count === 1 ? "" : "s"}${some}`;
  const button = cell.appendChild(el("button", "fold-open", words));
  Object.assign(button, { type: "button" });
  box.dataset.run = button.dataset.run = run;
  if (row) cell.colSpan = 2;
  return box;
}

// Where a moved block went (at its old place) or came from (at its new place).
function moveNote(op, n) {
  const later = op.move.index > n;
  if (op.op === "move_out") return later ? "moved further down" : "moved further up";
  return later ? "moved here from below" : "moved here from further up";
}

/** Draw a diff as table rows and inline blocks; true when long enough to fold. */
export function render({ ops }, A, B, table, inline) {
  const changes = ops.map((op) => op.op !== "equal");
  const kept = changes.map((_, n) => changes.slice(Math.max(0, n - CONTEXT), n + CONTEXT + 1)
    .some(Boolean));
  let last = -1; // runs of unchanged entries more than CONTEXT away from a change are folded
  const runs = kept.map((keep, n) => (keep ? null : n === 0 || kept[n - 1] ? ++last : last));
  table.replaceChildren();
  inline.replaceChildren();
  ops.forEach((op, n) => {
    const olds = A.blocks.slice(op.olo, op.ohi), news = B.blocks.slice(op.nlo, op.nhi), run = runs[n];
    if (run !== null && run !== runs[n - 1]) {
      const count = runs.filter((r) => r === run).length;
      const styled = ops.filter((x, k) => runs[k] === run && x.cosmetic).length;
      table.append(gap(run, count, styled, true));
      inline.append(gap(run, count, styled, false));
    }
    const tr = el("tr", `row-${op.move ? "moved" : op.op}${op.cosmetic ? " row-cosmetic" : ""}`);
    const box = el("div", `inline-block${changes[n] ? " is-change" : ""}`);
    tr.id = `b${n}`;
    if (run !== null) tr.dataset.fold = box.dataset.fold = run;
    for (const [side, shown] of [["old", olds], ["new", news]]) {
      const td = tr.appendChild(el("td", shown.length ? side : `${side} empty`));
      if (!shown.length) continue;
      td.append(...blocks(op.parts, side === "old" ? olds : [], side === "new" ? news : [], side));
      if (op.move) {
        td.append(Object.assign(el("a", "move-link", moveNote(op, n)), { href: `#b${op.move.index}` }));
      }
    }
    if (op.op === "move_out") {
      box.append(...blocks(op.parts, olds, [], "old", " diff-moved", `(${moveNote(op, n)})`));
    } else if (op.op === "move_in") {
      box.append(...blocks(op.parts, [], news, "new", " diff-moved", `(${moveNote(op, n)})`));
    } else box.append(...blocks(op.parts, olds, news, "inline"));
    table.append(tr);
    inline.append(box);
  });
  return ops.length > FOLD_FROM && changes.some(Boolean);
}

/** A headline's word diff, inline, as the diff pages show it. */
export function headline(old, neu) {
  const caseless = (t) => ({ ...t, keys: t.keys.map((k) => k.toUpperCase().toLowerCase()) });
  const A = caseless(tokenize(old)), B = caseless(tokenize(neu)); // letter case: a restyling
  const list = parts(A, [0, A.keys.length], B, [0, B.keys.length]);
  return spaced([...pieces(readable(list), "inline")].map(([tag, , , text]) => [tag, text]))
    .flatMap(([tag, text]) => marked(tag, text));
}

/** '45 words added, 12 removed; paragraphs: 2 changed, 1 added', as the diff pages say it. */
export function describe(s) {
  const [added, removed] = [s.addedWords, s.removedWords].map((w) => w.length.toLocaleString("en"));
  const blocks = ["changed", "added", "removed", "moved"].filter((what) => s[what]);
  const words = s.addedWords.length === 1 ? "word" : "words";
  const out = added !== "0" || removed !== "0" ? [`${added} ${words} added, ${removed} removed`] : [];
  const noun = blocks.reduce((sum, what) => sum + s[what], 0) === 1 ? "paragraph" : "paragraphs";
  if (blocks.length) out.push(`${noun}: ${blocks.map((what) => `${s[what]} ${what}`).join(", ")}`);
  const kinds = KINDS.filter((kind) => s.kinds?.has(kind));
  if (kinds.length && !s.tokens && !s.moved) { // no word or mark changed: say what did
    out.push(`only ${names(kinds)} changed`);
  }
  return out.join("; ") || "no change to the text";
}

// --- The page -------------------------------------------------------------------------------

function remembered(value) {
  try {
    if (value) localStorage.setItem(VIEW_KEY, value);
    return localStorage.getItem(VIEW_KEY) ?? value;
  } catch { return value; } // private mode: not remembered
}

function setUp(root, data) {
  const $ = (name) => root.querySelector(`[data-compare-${name}]`);
  const [form, note, result, full, all] = ["form", "note", "result", "full", "fold-all"].map($);
  const { from, to } = form.elements, last = data.versions.length - 1, cache = [], docs = [];
  const when = (n, style) => from.options[n].dataset[style];
  const link = (n, text) => Object.assign(el("a", "", text), { href: data.versions[n].url });

  const show = (a, b, message = "") => {
    if (a > b) {
      message = `Version ${a} is later than version ${b}: they are shown the other way round.`;
      [a, b] = [b, a];
    }
    [from.value, to.value] = [a, b];
    history.replaceState(null, "", `?from=${a}&to=${b}`);
    note.textContent = a === b ? "Choose two different versions to see what changed between them."
      : message;
    note.hidden = !note.textContent;
    result.hidden = a === b;
    if (a === b) return;
    const A = (docs[a] ??= versionDoc(data, a, cache)), B = (docs[b] ??= versionDoc(data, b, cache));
    const diff = diffDocs(A, B), [oldTitle, newTitle] = [data.versions[a].title, data.versions[b].title];
    $("when").replaceChildren(link(a, `Version ${a}`), `, fetched ${when(a, "long")} \u2192 `,
      link(b, `version ${b}`), `, fetched ${when(b, "long")}`);
    $("old-head").replaceChildren(`Version ${a} `, el("span", "muted", when(a, "short")));
    $("new-head").replaceChildren(`Version ${b} `, el("span", "muted", when(b, "short")));
    $("caption").textContent = `Version ${a} on the left, version ${b} on the right, paragraph by`
      + " paragraph";
    $("headline").hidden = oldTitle === newTitle;
    $("headline-diff").replaceChildren(...headline(oldTitle, newTitle));
    $("stats").textContent = (oldTitle === newTitle ? "" : "Headline changed; ") + describe(diff.stats);
    full.hidden = !data.diffs[`${a}-${b}`];
    if (!full.hidden) full.querySelector("a").href = data.diffs[`${a}-${b}`];
    const same = diff.ops.every((op) => op.op === "equal" && !op.styled);
    $("restyled").hidden = !diff.ops.some((op) => op.parts.some(restyled));
    $("same").hidden = !same;
    for (const part of root.querySelectorAll(".view-toolbar, [data-view]")) {
      part.classList.toggle("is-empty", same);
    }
    const foldable = render(diff, A, B, $("rows"), $("inline"));
    result.classList.toggle("folded", foldable);
    all.hidden = !foldable;
    all.setAttribute("aria-pressed", "false");
    all.textContent = "Show every paragraph";
  };

  const buttons = [...root.querySelectorAll("[data-view-button]")];
  const view = (name) => {
    for (const v of root.querySelectorAll("[data-view]")) v.hidden = v.dataset.view !== name;
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.viewButton === name));
  };
  const stored = remembered();
  const narrow = matchMedia("(max-width: 46rem)").matches;
  view(stored === "side" || stored === "inline" ? stored : narrow ? "inline" : "side");
  for (const b of buttons) b.addEventListener("click", () => view(remembered(b.dataset.viewButton)));
  result.addEventListener("click", (event) => {
    const run = event.target.closest(".fold-open")?.dataset.run;
    if (!run) return;
    for (const x of result.querySelectorAll(`[data-fold="${run}"], .fold-gap[data-run="${run}"]`)) {
      x.classList.add("opened");
    }
  });
  all.addEventListener("click", () => {
    const folded = result.classList.toggle("folded");
    all.setAttribute("aria-pressed", String(!folded));
    all.textContent = folded ? "Show every paragraph" : "Show changed paragraphs only";
  });
  form.addEventListener("change", () => show(Number(from.value), Number(to.value)));
  form.addEventListener("submit", (event) => event.preventDefault());

  const asked = ["from", "to"].map((name) => new URLSearchParams(location.search).get(name));
  const valid = asked.every((v) => /^\d+$/.test(v ?? "") && Number(v) <= last);
  const wrong = !valid && asked.some((v) => v !== null);
  form.hidden = false;
  show(valid ? Number(asked[0]) : 0, valid ? Number(asked[1]) : last,
    wrong ? `There is no such pair of versions: showing version 0 against version ${last}.` : "");
}

const page = document.querySelector("[data-compare]"), json = document.getElementById("compare-data");
if (page && json) setUp(page, JSON.parse(json.textContent));
