// Program: footnote previews (every page). Owns showing a footnote's text next to its marker when
// the reader points at or focuses the marker, without the jump to the end of the page.
//
// Material's own `content.footnote.tooltips` does this by mounting a tooltip, with about a dozen
// observers, on every marker as the page starts: on Treatment (over 200 markers) that made the
// longest main-thread task of a phone's page load (Lighthouse, issue 17). Here one listener per
// event type on the document does it, and a preview is built only for the marker in use, with
// Material's tooltip classes (same look). Survives instant navigation (the document stays).
// Without JavaScript the marker is a plain link to the footnote.

const MARKER = "a.footnote-ref";
const PREVIEW_ID = "footnote-tip";
/** How long a preview stays after the pointer or focus left (lets the pointer move onto it). */
const HIDE_DELAY_MS = 250;

/** @type {{ marker: HTMLAnchorElement, node: HTMLElement } | null} */
let shown = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let hideTimer;

/**
 * @param {EventTarget | null} target
 * @returns {HTMLAnchorElement | null}
 */
function markerOf(target) {
  const link = target instanceof Element ? target.closest(MARKER) : null;
  return link instanceof HTMLAnchorElement ? link : null;
}

/**
 * The preview: a copy of the footnote's own content (never the back links, never an id).
 *
 * @param {HTMLAnchorElement} marker
 * @returns {HTMLElement | null}
 */
function buildPreview(marker) {
  const note = document.getElementById(decodeURIComponent(marker.hash.slice(1)));
  if (note === null) return null;
  const inner = document.createElement("div");
  inner.className = "md-tooltip2__inner md-typeset";
  for (const child of note.children) inner.append(child.cloneNode(true));
  for (const back of inner.querySelectorAll(".footnote-backref")) back.remove();
  for (const withId of inner.querySelectorAll("[id]")) withId.removeAttribute("id");
  const node = document.createElement("div");
  node.className = "md-tooltip2";
  node.id = PREVIEW_ID;
  node.setAttribute("role", "dialog");
  node.append(inner);
  return node;
}

function hideNow() {
  clearTimeout(hideTimer);
  if (shown === null) return;
  shown.marker.removeAttribute("aria-controls");
  shown.marker.removeAttribute("aria-haspopup");
  shown.node.remove();
  shown = null;
}

function hideSoon() {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideNow, HIDE_DELAY_MS);
}

/**
 * Show the preview below the marker, or above it in the lower half of the screen (as Material).
 *
 * @param {HTMLAnchorElement} marker
 */
function show(marker) {
  clearTimeout(hideTimer);
  if (shown?.marker === marker) return;
  hideNow();
  const node = buildPreview(marker);
  if (node === null) return;
  document.body.append(node);
  const host = marker.getBoundingClientRect();
  const above = host.y >= window.innerHeight / 2;
  const y = above ? -16 - node.getBoundingClientRect().height : 16 + host.height;
  node.style.setProperty("--md-tooltip-host-x", `${host.x + window.scrollX}px`);
  node.style.setProperty("--md-tooltip-host-y", `${host.y + window.scrollY}px`);
  node.style.setProperty("--md-tooltip-x", `${host.width / 2}px`);
  node.style.setProperty("--md-tooltip-y", `${y}px`);
  node.classList.add(above ? "md-tooltip2--top" : "md-tooltip2--bottom");
  marker.setAttribute("aria-controls", PREVIEW_ID);
  marker.setAttribute("aria-haspopup", "dialog");
  shown = { marker, node };
  // Next frame: the preview fades in (Material's transition) instead of appearing at once.
  requestAnimationFrame(() => node.classList.add("md-tooltip2--active"));
}

/** @param {Event} event */
function onEnter(event) {
  const marker = markerOf(event.target);
  if (marker !== null) show(marker);
  else if (shown !== null && event.target instanceof Node && shown.node.contains(event.target))
    clearTimeout(hideTimer);
}

/** @param {Event} event */
function onLeave(event) {
  if (shown === null || !(event.target instanceof Node)) return;
  if (markerOf(event.target) === shown.marker || shown.node.contains(event.target)) hideSoon();
}

document.addEventListener("pointerover", onEnter);
document.addEventListener("focusin", onEnter);
document.addEventListener("pointerout", onLeave);
document.addEventListener("focusout", onLeave);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") hideNow();
});
// A click follows the link (or instant navigation swaps the page): the preview goes.
document.addEventListener("click", (event) => {
  if (shown !== null && !(event.target instanceof Node && shown.node.contains(event.target)))
    hideNow();
});
