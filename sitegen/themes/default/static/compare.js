// The compare page: any two versions of an article, diffed in the browser.
//
// The page carries every version's blocks as JSON (#compare-data, docs/compare.md), cut by
// the Python engine's own splitter. This is a small port of that engine (sitegen/diff):
// identical blocks are matched by a longest common subsequence (LCS) of their token keys;
// between them one word-level LCS over the remaining blocks links those that share enough
// text into changed entries (align.py's rules), the rest are deleted or inserted, and
// deleted/inserted blocks with (nearly) the same tokens become moves. The LCS is the
// engine's bit-parallel one (sequence.py), so a changed paragraph gets the word diff the
// pre-rendered pages show. Article text reaches the page only as text nodes.

const VIEW_KEY = "sitegen-diff-view"; // the diff pages' key: one remembered preference
const MAX_CELLS = 25e6; // a larger LCS (old × new tokens) is treated as a rewrite
const ISLAND = 4, CONTEXT = 2, FOLD_FROM = 12, FLOW_RUN = 5, MOVE_MIN = 2 / 3, MOVE_PAIRS = 4096;

// Tokens as sitegen/diff/tokens.py cuts them: a number with its currency, decimals, unit and
// percent (£2.26bn, 2.5%), a word (apostrophes inside), or one punctuation mark (or a run of
// the same one). Whitespace is never a token; it stays in the raw text of the token before.
const IGN = "\u00ad\u200b\u200c\u200d\u2060\ufeff";
const WORD = "\\p{L}\\p{N}_\\p{M}"; // Python's \w, plus combining marks
const SPACE = `\\s\\x1c-\\x1f\\x85${IGN}`; // Python's \s, plus the ignorable characters
const IN = `[${WORD}${IGN}]`;
const TOKEN = new RegExp(`([$£€¥₹]?\\p{Nd}+(?:[.,:]\\p{Nd}+)*${IN}*%?|[${WORD}]${IN}*` +
  `(?:['\u2019]${IN}+)*|([^${WORD}${SPACE}])\\2*\\p{M}*)[${SPACE}]*`, "gu");
const FOLD = {};
for (const [chars, to] of [["\u2018\u2019\u201a\u201b\u2032\u2039\u203a", "'"],
  ["\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e\uff02", '"'],
  ["\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"], [IGN, ""]]) {
  for (const c of chars) FOLD[c] = to;
}
const FOLDS = new RegExp(`[${Object.keys(FOLD).join("")}]`, "gu");
const key = (t) => (/^[\0-\x7f]*$/.test(t) ? t : t.normalize("NFKC").replace(FOLDS, (c) => FOLD[c]));
const isWord = (k) => /[\p{L}\p{N}]/u.test(k);

/** Keys (what comparison sees) and raws (exact text; they concatenate back to `text`). */
export function tokenize(text) {
  const keys = [], starts = [];
  for (const m of text.matchAll(TOKEN)) { keys.push(key(m[1])); starts.push(m.index); }
  return { keys, raws: starts.map((s, i) => text.slice(i ? s : 0, starts[i + 1] ?? text.length)) };
}

/** Matching runs [i, j, length] of an LCS of a and b: sitegen/diff/sequence.py's matches. */
export function matches(a, b) {
  let lo = 0, ahi = a.length, bhi = b.length, tail = 0;
  while (lo < ahi && lo < bhi && a[lo] === b[lo]) lo++;
  while (ahi > lo && bhi > lo && a[ahi - 1] === b[bhi - 1]) { ahi--; bhi--; tail++; }
  let pairs = [];
  for (let k = 0; k < lo; k++) pairs.push([k, k]);
  if (lo < ahi && lo < bhi && (ahi - lo) * (bhi - lo) <= MAX_CELLS) pairs = pairs.concat(lcs(a, b, lo, ahi, bhi));
  for (let k = 0; k < tail; k++) pairs.push([ahi + k, bhi + k]);
  const runs = [];
  for (const [i, j] of pairs) {
    const r = runs[runs.length - 1];
    if (r && r[0] + r[2] === i && r[1] + r[2] === j) r[2]++; else runs.push([i, j, 1]);
  }
  return runs;
}

// Bit-parallel LCS (Allison-Dix / Hyyrö) on rows of 32-bit words: bit i of row j is 0 where
// a[:i+1] has one more common token with b[:j+1] than a[:i]; the backtrack reads those bits.
function lcs(a, b, lo, ahi, bhi) {
  const n = ahi - lo, m = bhi - lo, W = (n + 31) >>> 5, masks = new Map();
  for (let i = 0; i < n; i++) {
    if (!masks.has(a[lo + i])) masks.set(a[lo + i], new Uint32Array(W));
    masks.get(a[lo + i])[i >>> 5] |= 1 << (i & 31);
  }
  const rows = new Uint32Array(m * W), none = new Uint32Array(W), top = n & 31 ? 2 ** (n & 31) - 1 : -1;
  let prev = new Uint32Array(W).fill(-1);
  prev[W - 1] = top;
  for (let j = 0; j < m; j++) {
    const mask = masks.get(b[lo + j]) || none, at = j * W;
    let carry = 0, borrow = 0;
    for (let w = 0; w < W; w++) { // row = ((row + match) | (row - match)) & full
      const r = prev[w], x = (r & mask[w]) >>> 0, sum = r + x + carry, diff = r - x - borrow;
      carry = sum > 0xffffffff ? 1 : 0;
      borrow = diff < 0 ? 1 : 0;
      rows[at + w] = sum | diff;
    }
    rows[at + W - 1] &= top;
    prev = rows.subarray(at, at + W);
  }
  const out = [];
  for (let i = n, j = m; i && j;) {
    if ((rows[(j - 1) * W + ((i - 1) >>> 5)] >>> ((i - 1) & 31)) & 1) i--;
    else if (a[lo + i - 1] === b[lo + j - 1]) { i--; j--; out.push([lo + i, lo + j]); }
    else j--;
  }
  return out.reverse();
}

/** A version as the engine's Doc: blocks with token ranges, flat keys/raws, token owners. */
export function versionDoc(data, number, cache = []) {
  const doc = { blocks: [], keys: [], raws: [], owner: [], ids: [] };
  for (const index of data.versions[number].blocks) {
    const [kind, level, text, hidden = []] = data.blocks[index];
    const t = (cache[index] ??= { ...tokenize(text), id: null });
    t.id ??= t.keys.join("\n");
    doc.blocks.push({ kind, level, text, hidden, start: doc.keys.length, end: doc.keys.length + t.keys.length });
    for (let k = 0; k < t.keys.length; k++) doc.owner.push(doc.blocks.length - 1);
    doc.keys.push(...t.keys);
    doc.raws.push(...t.raws);
    doc.ids.push(t.id);
  }
  return doc;
}

const size = (doc, lo, hi) => (hi > lo ? doc.blocks[hi - 1].end - doc.blocks[lo].start : 0);
const keysOf = (doc, lo, hi) => doc.keys.slice(doc.blocks[lo]?.start ?? 0, hi > lo ? doc.blocks[hi - 1].end : 0);
const entry = (op, olo, ohi, nlo, nhi) => ({ op, olo, ohi, nlo, nhi });

// align.py's linking rule for two blocks sharing `weight` tokens in a region's word diff.
function linked(weight, old, neu, mutual) {
  const small = Math.min(old, neu), large = Math.max(old, neu);
  return (mutual && weight >= 0.15 * small) || weight >= 0.3 * large
    || (weight >= 0.5 * small && (weight >= 3 || weight === small));
}

// Blocks a[alo:ahi] against b[blo:bhi] with no identical pair: one word diff over all of
// them; linked blocks form groups (changed entries), the others are deleted or inserted.
function region(A, B, alo, ahi, blo, bhi, ops) {
  const groups = [];
  if (alo < ahi && blo < bhi) {
    const ta = A.blocks[alo].start, tb = B.blocks[blo].start, links = new Map();
    for (let [i, j, run] of matches(keysOf(A, alo, ahi), keysOf(B, blo, bhi))) {
      const pieces = [], length = run;
      for (i += ta, j += tb; run;) {
        const o = A.owner[i], n = B.owner[j], step = Math.min(run, A.blocks[o].end - i, B.blocks[n].end - j);
        if (!links.has(`${o} ${n}`)) links.set(`${o} ${n}`, { o, n, weight: 0, words: 0, flow: false });
        const link = links.get(`${o} ${n}`);
        link.weight += step;
        for (let k = i; k < i + step; k++) link.words += isWord(A.keys[k]);
        pieces.push(link);
        i += step; j += step; run -= step;
      }
      if (pieces.length > 1 && length >= FLOW_RUN) for (const p of pieces) p.flow = true;
    }
    const bestO = new Map(), bestN = new Map();
    for (const { o, n, weight } of links.values()) {
      bestO.set(o, Math.max(bestO.get(o) ?? 0, weight));
      bestN.set(n, Math.max(bestN.get(n) ?? 0, weight));
    }
    for (const l of [...links.values()].sort((x, y) => x.o - y.o || x.n - y.n)) {
      const mutual = bestO.get(l.o) === l.weight && l.weight === bestN.get(l.n) && l.words >= 2;
      if (!l.flow && !linked(l.weight, size(A, l.o, l.o + 1), size(B, l.n, l.n + 1), mutual)) continue;
      const g = groups[groups.length - 1];
      if (g && (l.o <= g[1] || l.n <= g[3])) { g[1] = Math.max(g[1], l.o); g[3] = Math.max(g[3], l.n); }
      else groups.push([l.o, l.o, l.n, l.n]);
    }
  }
  let o = alo, n = blo;
  for (const [olo, ohi, nlo, nhi] of [...groups, [ahi, ahi - 1, bhi, bhi - 1]]) {
    for (; o < olo; o++) ops.push(entry("deleted", o, o + 1, n, n));
    for (; n < nlo; n++) ops.push(entry("inserted", olo, olo, n, n + 1));
    if (olo < ahi) ops.push(entry("changed", olo, ohi + 1, nlo, nhi + 1));
    o = ohi + 1; n = nhi + 1;
  }
}

// Deleted and inserted blocks with the same tokens, or two thirds of them in order, are moves.
function moves(A, B, ops) {
  const pair = (out, into) => { out.op = "move_out"; into.op = "move_in"; out.move = into; into.move = out; };
  const waiting = new Map();
  for (const g of ops) {
    if (g.op === "deleted" && size(A, g.olo, g.ohi)) waiting.set(A.ids[g.olo], [...(waiting.get(A.ids[g.olo]) ?? []), g]);
  }
  for (const c of ops) if (c.op === "inserted" && waiting.get(B.ids[c.nlo])?.length) pair(waiting.get(B.ids[c.nlo]).shift(), c);
  const gone = ops.filter((x) => x.op === "deleted"), came = ops.filter((x) => x.op === "inserted");
  if (!gone.length || !came.length || gone.length * came.length > MOVE_PAIRS) return;
  const bag = (keys) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
  const old = gone.map((g) => keysOf(A, g.olo, g.ohi)), neu = came.map((c) => keysOf(B, c.nlo, c.nhi));
  const bags = [old.map(bag), neu.map(bag)], found = [];
  gone.forEach((g, x) => came.forEach((c, y) => {
    let common = 0;
    for (const [k, count] of bags[0][x]) common += Math.min(count, bags[1][y].get(k) ?? 0);
    const total = old[x].length + neu[y].length;
    if (2 * common >= MOVE_MIN * total) found.push([common / total, x, y]);
  }));
  for (const [, x, y] of found.sort((p, q) => q[0] - p[0] || p[1] - q[1] || p[2] - q[2])) {
    if (gone[x].op !== "deleted" || came[y].op !== "inserted") continue;
    const common = matches(old[x], neu[y]).reduce((s, r) => s + r[2], 0);
    if (2 * common >= MOVE_MIN * (old[x].length + neu[y].length)) pair(gone[x], came[y]);
  }
}

// Parts (sitegen/diff/engine.py's _parts): {op: "=", "-" or "+", old, new, keys}.
function parts(A, ta, ta1, B, tb, tb1) {
  const out = [], ak = A.keys.slice(ta, ta1), bk = B.keys.slice(tb, tb1);
  const text = (doc, from, to) => doc.raws.slice(from, to).join("");
  let i = 0, j = 0;
  for (const [ri, rj, run] of [...matches(ak, bk), [ak.length, bk.length, 0]]) {
    if (ri > i) out.push({ op: "-", old: text(A, ta + i, ta + ri), new: "", keys: ak.slice(i, ri) });
    if (rj > j) out.push({ op: "+", old: "", new: text(B, tb + j, tb + rj), keys: bk.slice(j, rj) });
    if (run) out.push({ op: "=", old: text(A, ta + ri, ta + ri + run), new: text(B, tb + rj, tb + rj + run), keys: ak.slice(ri, ri + run) });
    i = ri + run; j = rj + run;
  }
  return out;
}

/** The diff of two docs: entries in document order, each with its parts, and the stats. */
export function diffDocs(A, B) {
  const ops = [], anchors = matches(A.ids, B.ids);
  let i = 0, j = 0;
  for (const [ri, rj, run] of [...anchors, [A.blocks.length, B.blocks.length, 0]]) {
    region(A, B, i, ri, j, rj, ops);
    for (let k = 0; k < run; k++) ops.push(entry("equal", ri + k, ri + k + 1, rj + k, rj + k + 1));
    i = ri + run; j = rj + run;
  }
  moves(A, B, ops);
  const stats = { added: 0, removed: 0, changed: 0, moved: 0, wordsAdded: 0, wordsRemoved: 0, removedWords: [], addedWords: [] };
  ops.forEach((op, n) => {
    op.index = n;
    const [out, into] = op.op === "move_in" ? [op.move, op] : [op, op.move ?? op];
    const span = (doc, lo, hi) => [doc.blocks[lo]?.start ?? 0, hi > lo ? doc.blocks[hi - 1].end : 0];
    op.parts = parts(A, ...span(A, out.olo, out.ohi), B, ...span(B, into.nlo, into.nhi));
    if (op.op === "changed" && op.parts.every((p) => p.op === "=") && op.ohi - op.olo === 1 && op.nhi - op.nlo === 1) op.op = "equal";
    op.cosmetic = op.op === "equal" && op.parts.some((p) => p.old !== p.new);
    const counted = { changed: "changed", deleted: "removed", inserted: "added", move_out: "moved" }[op.op];
    if (counted) stats[counted] += 1;
    if (op.op === "move_in") return; // a move's inner changes count once
    for (const p of op.parts) {
      const words = p.keys.filter(isWord);
      if (p.op === "-") stats.removedWords.push(...words);
      if (p.op === "+") stats.addedWords.push(...words);
    }
  });
  stats.wordsAdded = stats.addedWords.length;
  stats.wordsRemoved = stats.removedWords.length;
  return { ops, stats };
}

/** Versions `a` and `b` of the page's data compared (the test suite calls this too). */
export function compareVersions(data, a, b, cache = []) {
  return diffDocs(versionDoc(data, a, cache), versionDoc(data, b, cache));
}

// --- Presentation: sitegen/diff/readable.py and html.py, as DOM nodes -------------------

function merge(list) { // each run of changes as one delete and one insert
  const out = [];
  let old = null, neu = null;
  const flush = () => { if (old) out.push(old); if (neu) out.push(neu); old = neu = null; };
  for (const p of list) {
    if (p.op === "-") old = { op: "-", old: (old?.old ?? "") + p.old, new: "", n: (old?.n ?? 0) + (p.n ?? p.keys.length) };
    else if (p.op === "+") neu = { op: "+", old: "", new: (neu?.new ?? "") + p.new, n: (neu?.n ?? 0) + (p.n ?? p.keys.length) };
    else { flush(); out.push({ ...p, n: p.n ?? p.keys.length }); }
  }
  flush();
  return out;
}

// Short common runs between bigger changes are folded into them, as an editor strikes a phrase.
function readable(list) {
  const side = (m, at, step) => {
    let removed = 0, added = 0;
    for (let k = at + step; k >= 0 && k < m.length && m[k].op !== "="; k += step) {
      if (m[k].op === "-") removed += m[k].n; else added += m[k].n;
    }
    return Math.max(removed, added);
  };
  for (let m = merge(list); ;) {
    const k = m.findIndex((p, k) => k > 0 && k < m.length - 1 && p.op === "=" && m[k - 1].op !== "="
      && m[k + 1].op !== "=" && p.n <= ISLAND && p.n <= side(m, k, -1) && p.n <= side(m, k, 1));
    if (k < 0) return m;
    m.splice(k, 1, { op: "-", old: m[k].old, new: "", n: m[k].n }, { op: "+", old: "", new: m[k].new, n: m[k].n });
    m = merge(m);
  }
}

function* pieces(list, mode) { // [tag, side, offset on that side, text] of what `mode` shows
  let old = 0, neu = 0;
  for (const p of list) {
    if (p.op === "=") yield mode === "old" ? [null, "old", old, p.old] : [null, "new", neu, p.new];
    else if (p.op === "-" && mode !== "new") yield ["del", "old", old, p.old];
    else if (p.op === "+" && mode !== "old") yield ["ins", "new", neu, p.new];
    old += p.old.length; neu += p.new.length;
  }
}

function visible(text, at, ranges) { // without the Markdown markers the pages do not show
  let out = "", pos = 0;
  for (const [a, b] of ranges) {
    if (a >= at + text.length || b <= at) continue;
    out += text.slice(pos, Math.max(a - at, pos));
    pos = Math.max(pos, b - at);
  }
  return out + text.slice(pos);
}

function layout(list, olds, news, mode) { // the pieces grouped by the block they show in
  const baseSide = mode === "old" || !news.length ? "old" : "new", base = baseSide === "old" ? olds : news;
  const ranges = { old: [], new: [] }, ends = [];
  for (const [side, blocks] of [["old", olds], ["new", news]]) {
    let at = 0;
    for (const b of blocks) { ranges[side].push(...b.hidden.map(([x, y]) => [at + x, at + y])); at += b.text.length; }
  }
  base.reduce((at, b) => (ends.push(at + b.text.length), at + b.text.length), 0);
  const out = base.map(() => []);
  let k = 0;
  for (let [tag, side, pos, text] of pieces(list, baseSide === "old" ? "old" : mode)) {
    if (side !== baseSide) { out[k].push([tag, visible(text, pos, ranges[side])]); continue; }
    while (text) {
      while (k < ends.length - 1 && pos >= ends[k]) k++;
      const cut = ends[k] > pos ? Math.min(text.length, ends[k] - pos) : text.length;
      out[k].push([tag, visible(text.slice(0, cut), pos, ranges[side])]);
      text = text.slice(cut); pos += cut;
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
function span(tag, text) { // a <del>/<ins> around the text, whitespace outside, with screen-reader words
  const core = text.trim();
  if (!tag || !core) return [text];
  const mark = el(tag);
  mark.append(el("span", "diff-sr", SR[tag][0]), core, el("span", "diff-sr", SR[tag][1]));
  return [text.slice(0, text.length - text.trimStart().length), mark, text.slice(text.trimEnd().length)];
}

function blockNode(block, list, extra, note) {
  let ps = list.filter(([, t]) => t);
  const strip = (i, f) => { if (ps.length) ps[i] = [ps[i][0], f(ps[i][1])]; };
  if (block.kind !== "code") {
    while (ps.length && !ps[ps.length - 1][1].trim()) ps.pop();
    while (ps.length && !ps[0][1].trim()) ps.shift();
    strip(0, (t) => t.trimStart());
    strip(ps.length - 1, (t) => t.trimEnd());
  } else {
    while (ps.length && !ps[ps.length - 1][1].replace(/\n/g, "")) ps.pop();
    strip(ps.length - 1, (t) => t.replace(/\n+$/, ""));
    ps = ps.map(([tag, t]) => [tag, t.replace(/[ \t]*\n\s*/g, "\n")]);
  }
  const classes = `diff-block diff-${block.kind}${block.kind === "heading" ? ` diff-h${block.level}` : ""}${extra}`;
  const wrap = { heading: ["p", "strong"], quote: ["blockquote", "p"], code: ["pre", "code"] }[block.kind];
  const outer = el(wrap ? wrap[0] : "p", classes), inner = wrap ? outer.appendChild(el(wrap[1])) : outer;
  if (block.kind === "list_item" && /^[-*+]/.test(block.text.trimStart())) inner.append("\u2022 ");
  for (const [tag, text] of ps) inner.append(...span(tag, text));
  if (note) inner.append(" ", el("span", "diff-note", note));
  return outer;
}

function blocks(list, olds, news, mode, extra = "", note = "") {
  const laid = layout(readable(list), olds, news, mode);
  return laid.map(([b, ps], n) => blockNode(b, ps, extra, n === laid.length - 1 ? note : ""));
}

function folds(changes) { // for each entry, the folded run it belongs to (or null: shown)
  const keep = changes.map((_, n) => changes.slice(Math.max(0, n - CONTEXT), n + CONTEXT + 1).some(Boolean));
  let run = -1;
  return keep.map((kept, n) => (kept ? null : (n === 0 || keep[n - 1] ? ++run : run)));
}

function gap(run, count, row) {
  const button = el("button", "fold-open", `Show ${count} unchanged ${count === 1 ? "paragraph" : "paragraphs"}`);
  button.type = "button";
  button.dataset.run = run;
  const box = el(row ? "tr" : "div", "fold-gap");
  box.dataset.run = run;
  if (row) { const td = box.appendChild(el("td")); td.colSpan = 2; td.append(button); } else box.append(button);
  return box;
}

const ROW = { equal: "equal", changed: "changed", deleted: "deleted", inserted: "inserted", move_out: "moved", move_in: "moved" };

/** Side-by-side rows and inline blocks of a diff, as the diff pages draw them. */
export function render({ ops }, A, B, table, inline) {
  const runs = folds(ops.map((op) => op.op !== "equal"));
  table.replaceChildren();
  inline.replaceChildren();
  ops.forEach((op, n) => {
    const olds = A.blocks.slice(op.olo, op.ohi), news = B.blocks.slice(op.nlo, op.nhi);
    if (runs[n] !== null && runs[n] !== runs[n - 1]) {
      const count = runs.filter((r) => r === runs[n]).length;
      table.append(gap(runs[n], count, true));
      inline.append(gap(runs[n], count, false));
    }
    const tr = el("tr", `row-${ROW[op.op]}${op.cosmetic ? " row-cosmetic" : ""}`);
    tr.id = `b${n}`;
    const box = el("div", `inline-block${op.op !== "equal" ? " is-change" : ""}`);
    if (runs[n] !== null) tr.dataset.fold = box.dataset.fold = runs[n];
    for (const [side, has, mode] of [["old", olds.length, "old"], ["new", news.length, "new"]]) {
      const td = tr.appendChild(el("td", has ? side : `${side} empty`));
      if (has) td.append(...blocks(op.parts, side === "old" ? olds : [], side === "new" ? news : [], mode));
      if (op.move && has) {
        const link = td.appendChild(el("a", "move-link", op.op === "move_out" ? "moved to here" : "moved from here"));
        link.href = `#b${op.move.index}`;
      }
    }
    const down = op.move && op.move.index > n;
    if (op.op === "move_out") box.append(...blocks(op.parts, olds, [], "old", " diff-moved", down ? "(moved further down)" : "(moved further up)"));
    else if (op.op === "move_in") box.append(...blocks(op.parts, [], news, "new", " diff-moved", down ? "(moved here from below)" : "(moved here from further up)"));
    else box.append(...blocks(op.parts, olds, news, "inline"));
    table.append(tr);
    inline.append(box);
  });
  return ops.length > FOLD_FROM && ops.some((op) => op.op !== "equal");
}

/** A headline's word diff, inline, as the diff pages' "Headline" field. */
export function headline(old, neu, into) {
  const A = { keys: [], raws: [], ...tokenize(old) }, B = tokenize(neu);
  const list = parts(A, 0, A.keys.length, B, 0, B.keys.length);
  into.replaceChildren(...[...pieces(readable(list), "inline")].flatMap(([tag, , , text]) => span(tag, text)));
}

export function describe(s) { // as sitegen/render/diffview.py's describe
  const shown = [[s.changed, "changed"], [s.added, "added"], [s.removed, "removed"], [s.moved, "moved"]].filter(([n]) => n);
  const out = s.wordsAdded || s.wordsRemoved ? [`${s.wordsAdded.toLocaleString("en")} words added, ${s.wordsRemoved.toLocaleString("en")} removed`] : [];
  const blocksChanged = s.changed + s.added + s.removed + s.moved;
  if (shown.length) out.push(`${blocksChanged === 1 ? "paragraph" : "paragraphs"}: ${shown.map(([n, w]) => `${n} ${w}`).join(", ")}`);
  return out.join("; ") || "no change to the text";
}

// --- The page ---------------------------------------------------------------------------

function remembered(value) {
  try {
    if (value) localStorage.setItem(VIEW_KEY, value);
    return localStorage.getItem(VIEW_KEY);
  } catch { return null; } // private mode: not remembered
}

function setUp(root, data) {
  const $ = (name) => root.querySelector(`[data-compare-${name}]`);
  const [form, note, result, full, table, inline] = ["form", "note", "result", "full", "rows", "inline"].map($);
  const { from, to } = form.elements, last = data.versions.length - 1, cache = [], docs = [];
  const doc = (n) => (docs[n] ??= versionDoc(data, n, cache));
  const option = (n) => from.options[n].dataset;
  const all = root.querySelector(".fold-all");

  const show = (a, b, message = "") => {
    if (a > b) {
      message = `Version ${a} is later than version ${b}: the two are shown the other way round, the earlier on the left.`;
      [a, b] = [b, a];
    }
    from.value = a;
    to.value = b;
    history.replaceState(null, "", `?from=${a}&to=${b}`);
    note.textContent = a === b ? "Choose two different versions to see what changed between them." : message;
    note.hidden = !note.textContent;
    result.hidden = a === b;
    if (a === b) return;
    const A = doc(a), B = doc(b), diff = diffDocs(A, B), [va, vb] = [data.versions[a], data.versions[b]];
    const link = (n, text) => Object.assign(el("a", "", text), { href: data.versions[n].url });
    $("when").replaceChildren(link(a, `Version ${a}`), `, fetched ${option(a).long} \u2192 `, link(b, `version ${b}`), `, fetched ${option(b).long}`);
    for (const [n, side] of [[a, "old"], [b, "new"]]) {
      $(`${side}-head`).replaceChildren(`Version ${n} `, el("span", "muted", option(n).short));
    }
    $("caption").textContent = `Version ${a} on the left, version ${b} on the right, paragraph by paragraph`;
    const changed = va.title !== vb.title;
    $("headline").hidden = !changed;
    if (changed) headline(va.title, vb.title, $("headline-diff"));
    $("stats").textContent = (changed ? "Headline changed; " : "") + describe(diff.stats);
    const href = data.diffs[`${a}-${b}`];
    full.hidden = !href;
    if (href) full.querySelector("a").href = href;
    const same = diff.ops.every((op) => op.op === "equal");
    $("same").hidden = !same;
    for (const part of root.querySelectorAll(".view-toolbar, [data-view]")) part.classList.toggle("is-empty", same);
    const foldable = render(diff, A, B, table, inline);
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
  view(stored === "side" || stored === "inline" ? stored : matchMedia("(max-width: 46rem)").matches ? "inline" : "side");
  for (const b of buttons) b.addEventListener("click", () => view(remembered(b.dataset.viewButton)));
  root.addEventListener("click", (event) => {
    const open = event.target.closest(".fold-open");
    if (!open) return;
    for (const x of result.querySelectorAll(`[data-fold="${open.dataset.run}"], .fold-gap[data-run="${open.dataset.run}"]`)) x.classList.add("opened");
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
    wrong ? `There is no such pair of versions here: showing version 0 against version ${last}.` : "");
}

const page = document.querySelector("[data-compare]"), json = document.getElementById("compare-data");
if (page && json) setUp(page, JSON.parse(json.textContent));
