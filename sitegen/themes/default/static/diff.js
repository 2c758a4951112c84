// Version and history pages: switch the "What changed" section between the side-by-side and
// inline views (the choice is remembered), and hide cosmetic changes. The section holds each
// unchanged paragraph of context once, as a cell across both columns of the table: it is
// copied here into the inline view and into both columns. Without JavaScript the table is
// shown, its unchanged paragraphs across both columns; the inline view, which would lack
// them, stays hidden.

const VIEW_KEY = "sitegen-diff-view";
const COSMETIC_KEY = "sitegen-hide-cosmetic";

function remember(key, value) {
  try { localStorage.setItem(key, value); } catch { /* private mode: not remembered */ }
}

function recall(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

/** Copy each unchanged paragraph into its place in the inline view, then split its cell
 * into the table's two columns. Only nodes are copied: no markup is parsed again. */
function fillUnchanged(page) {
  const cells = new Map();
  for (const cell of page.querySelectorAll("td.same")) cells.set(cell.parentElement.id, cell);
  for (const slot of page.querySelectorAll("[data-same]")) {
    const cell = cells.get(slot.dataset.same);
    if (!cell) continue;
    slot.append(...[...cell.childNodes].map((node) => node.cloneNode(true)));
    delete slot.dataset.same; // done: the view is now as the compare page draws it
  }
  for (const cell of cells.values()) {
    const old = cell.cloneNode(true);
    old.className = "old";
    old.removeAttribute("colspan");
    cell.className = "new";
    cell.removeAttribute("colspan");
    cell.before(old);
  }
  // The rows grew: a link to one of them (#b12) must land on it again.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && page.contains(target)) target.scrollIntoView();
}

function setUpDiff(page) {
  fillUnchanged(page);
  const buttons = [...page.querySelectorAll("[data-view-button]")];
  const views = [...page.querySelectorAll("[data-view]")];
  const toolbar = page.querySelector(".view-toolbar");
  if (!views.length) return;
  const show = (name) => {
    for (const view of views) view.hidden = view.dataset.view !== name;
    for (const button of buttons) {
      button.setAttribute("aria-pressed", String(button.dataset.viewButton === name));
    }
  };
  const narrow = window.matchMedia("(max-width: 46rem)").matches;
  const stored = recall(VIEW_KEY);
  show(stored === "side" || stored === "inline" ? stored : narrow ? "inline" : "side");
  for (const button of buttons) {
    button.addEventListener("click", () => {
      show(button.dataset.viewButton);
      remember(VIEW_KEY, button.dataset.viewButton);
    });
  }
  if (toolbar) toolbar.hidden = false;
}

function setUpCosmetic(box) {
  const label = box.closest("label");
  const apply = () => document.documentElement.classList.toggle("hide-cosmetic", box.checked);
  box.checked = recall(COSMETIC_KEY) === "1";
  apply();
  box.addEventListener("change", () => {
    apply();
    remember(COSMETIC_KEY, box.checked ? "1" : "0");
  });
  if (label) label.hidden = false;
}

for (const page of document.querySelectorAll("[data-diff]")) setUpDiff(page);
for (const box of document.querySelectorAll("[data-hide-cosmetic]")) setUpCosmetic(box);
