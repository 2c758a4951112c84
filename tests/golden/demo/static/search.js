// The search page: Pagefind's JavaScript API, with one result per article and, under it, the
// versions in which the words were found (see sitegen/search.py for how the index is built).
// Everything from the index is inserted as text; excerpts keep only Pagefind's <mark>.

const PAGE_SIZE = 10;
const root = new URL("../", document.baseURI); // this page lives at <site>/search/
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const sourceSelect = document.getElementById("filter-source");
const yearSelect = document.getElementById("filter-year");
const sortSelect = document.getElementById("sort");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

let pagefind = null;
let current = null; // {results, shown, latestRun}
let runId = 0;
let timer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

/** "v0to2v4" -> [[0, 2], [4, 4]] */
function decodeSections(token) {
  const ranges = [];
  for (const m of (token || "").matchAll(/v(\d+)(?:to(\d+))?/g)) {
    const a = Number(m[1]);
    ranges.push([a, m[2] === undefined ? a : Number(m[2])]);
  }
  return ranges;
}

function rangesText(ranges) {
  const parts = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  const count = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  return `${count === 1 ? "version" : "versions"} ${parts.join(", ")}`;
}

/** Pagefind's excerpt as DOM nodes: its text, and <mark> elements, nothing else. */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = [];
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.push(document.createTextNode(node.textContent));
    else if (node.nodeName === "MARK") out.push(el("mark", {}, node.textContent));
    else out.push(document.createTextNode(node.textContent));
  }
  return out;
}

/** A link to a page of the archive: ``path`` is relative to its root. Anything else (a
 * scheme, a host, "..") is shown as text: the index is made from documents that a build can
 * take from the cache, which is trusted no more than the content. */
function link(path, text) {
  if (!/^([A-Za-z0-9_~-][A-Za-z0-9._~\/-]*)?(#[A-Za-z0-9_-]+)?$/.test(path)
      || path.split("/").includes("..")) {
    return el("span", {}, text);
  }
  return el("a", { href: new URL(path, root).href }, text);
}

function matchItem(meta, sub) {
  const token = sub.anchor && sub.anchor.id ? sub.anchor.id : "";
  const ranges = decodeSections(token);
  const latest = Number(meta.latest);
  const base = meta.url; // "<source>/<article>/"
  const item = el("li", { class: "match" });
  const where = el("p", { class: "match-where" });
  const links = el("p", { class: "match-links" });
  if (ranges.length === 0) {
    where.append(el("span", { class: "tag tag-current" }, "Headline"));
    links.append(link(base, "History"));
  } else {
    const last = ranges[ranges.length - 1][1];
    if (last === latest) {
      where.append(el("span", { class: "tag tag-current" }, "In the current text"),
        ` ${rangesText(ranges)}`);
      links.append(link(`${base}v${latest}/`, `Read version ${latest}`));
    } else {
      where.append(el("span", { class: "tag tag-removed" }, `Removed in version ${last + 1}`),
        ` found in ${rangesText(ranges)}`);
      links.append(link(`${base}v${last}/`, `Read version ${last}`), " · ",
        link(`${base}v${last + 1}/#changes`, `See the change to version ${last + 1}`));
    }
  }
  const excerpt = el("p", { class: "excerpt" });
  excerpt.append(...excerptNodes((sub.excerpt || "").replace(/^v[\dto]+\.\s*/, "")));
  item.append(where, excerpt, links);
  return { item, newest: ranges.length ? ranges[ranges.length - 1][1] : Infinity };
}

function resultItem(data) {
  const meta = data.meta;
  const item = el("li", { class: "result" });
  item.append(el("p", { class: "kicker" }, meta.source));
  const heading = el("h2", { class: "result-title" }, link(meta.url, meta.title));
  item.append(heading);
  const changed = new Date(meta.changed);
  const when = el("time", { datetime: meta.changed },
    changed.toLocaleDateString(document.documentElement.lang || undefined,
      { day: "numeric", month: "long", year: "numeric", timeZone: list.dataset.timezone || "UTC" }));
  if (meta.kind === "story") { // a story across sources: its page lists the articles
    item.append(el("p", { class: "result-meta" },
      `Told by ${Number(meta.articles)} articles · last changed `, when));
    return item;
  }
  const count = Number(meta.latest) + 1;
  item.append(el("p", { class: "result-meta" },
    `${count} ${count === 1 ? "version" : "versions"} · last changed `, when));
  const subs = (data.sub_results || []).filter((s) => s.anchor && s.anchor.id);
  const matches = subs.map((s) => matchItem(meta, s)).sort((a, b) => b.newest - a.newest);
  if (matches.length) {
    const ul = el("ul", { class: "matches" });
    for (const m of matches.slice(0, 4)) ul.append(m.item);
    item.append(ul);
    if (matches.length > 4) {
      const more = matches.length - 4;
      item.append(el("p", { class: "muted" },
        `and ${more} more ${more === 1 ? "place" : "places"} in its history`));
    }
  }
  return item;
}

async function showMore(run) {
  const batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
  const data = await Promise.all(batch.map((r) => r.data()));
  if (run !== runId) return;
  for (const d of data) list.append(resultItem(d));
  current.shown += batch.length;
  more.hidden = current.shown >= current.results.length;
}

function state() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  if (sourceSelect.value) params.set("source", sourceSelect.value);
  if (yearSelect.value) params.set("year", yearSelect.value);
  if (sortSelect.value) params.set("sort", sortSelect.value);
  return params;
}

async function run() {
  const run = ++runId;
  const params = state();
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  const query = input.value.trim();
  list.replaceChildren();
  more.hidden = true;
  if (!query) {
    status.textContent = "";
    return;
  }
  const filters = {};
  if (sourceSelect.value) filters.source = sourceSelect.value;
  if (yearSelect.value) filters.year = yearSelect.value;
  const options = { filters };
  if (sortSelect.value === "date") options.sort = { date: "desc" };
  status.textContent = "Searching…";
  const search = await pagefind.search(query, options);
  if (run !== runId || search === null) return;
  current = { results: search.results, shown: 0 };
  await showMore(run);
  if (run !== runId) return;
  // Announced once the results are on the page.
  const n = search.results.length;
  status.textContent = n === 0 ? `No article contains “${query}”.`
    : `${n} ${n === 1 ? "article" : "articles"} found for “${query}”.`;
}

function fillSelect(select, counts, wanted) {
  const names = Object.keys(counts || {}).sort((a, b) => (select === yearSelect ? b.localeCompare(a) : a.localeCompare(b)));
  for (const name of names) select.append(el("option", { value: name }, `${name} (${counts[name]})`));
  if (wanted && names.includes(wanted)) select.value = wanted;
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  sortSelect.value = params.get("sort") === "date" ? "date" : "";
  status.textContent = "Loading the search index…";
  pagefind = await import(new URL("pagefind/pagefind.js", root).href);
  await pagefind.options({ excerptLength: 24 });
  // A large archive's index is built in parts (pagefind/s1/, s2/, …), searched as one.
  const parts = Number(list.dataset.shards || "1");
  for (let n = 1; n < parts; n++) {
    await pagefind.mergeIndex(new URL(`pagefind/s${n}/`, root).pathname);
  }
  const filters = await pagefind.filters();
  fillSelect(sourceSelect, filters.source, params.get("source"));
  fillSelect(yearSelect, filters.year, params.get("year"));
  status.textContent = "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  for (const select of [sourceSelect, yearSelect, sortSelect]) select.addEventListener("change", run);
  more.addEventListener("click", () => showMore(runId));
  document.body.dataset.searchReady = "true";
  if (input.value) await run();
  input.focus();
}

start().catch((error) => {
  status.textContent = `Search could not start: ${error.message}`;
});
