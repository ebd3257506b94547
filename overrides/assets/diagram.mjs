// Program: the diagram page (main thread). Owns opening the flow diagram on its first step
// (review row 15): the box scrolls so the start node
// is in view, and the node is marked (the legend's "thick dark border"). A file, not an inline
// script (the site's Content-Security-Policy allows no inline script). Without JavaScript the
// diagram is the same, scrolled to its top-left, and the text outline is one link away.

function openOnStart() {
  /** @type {NodeListOf<HTMLElement>} */
  const boxes = document.querySelectorAll(".flow-diagram__scroll[data-start]");
  for (const box of boxes) {
    if (box.dataset.opened === "true") continue;
    const node = box.querySelector(`[id="step-${CSS.escape(box.dataset.start ?? "")}"]`);
    if (node === null) continue;
    box.dataset.opened = "true";
    node.classList.add("flow-diagram__start");
    const boxRect = box.getBoundingClientRect();
    const nodeRect = node.getBoundingClientRect();
    box.scrollLeft += nodeRect.left - boxRect.left - (boxRect.width - nodeRect.width) / 2;
    box.scrollTop += nodeRect.top - boxRect.top - 16;
  }
}

// Material's instant navigation swaps pages without a reload: document$ emits for each page.
globalThis.document$?.subscribe?.(() => openOnStart());
openOnStart();
