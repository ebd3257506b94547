// Program: the walker (main thread). Owns splitting a step into frames: a long step goes on the
// page a screenful per frame, so no frame is long even on a slow phone. Pure DOM work on a
// fragment that is not on the page yet (no globals: unit-tested under Node, tests/js/).

/**
 * How many elements the first frame puts on the page: a screenful (heading, question, first
 * answers; about 30 to 70 elements are on a phone's first screen), and few enough that a phone
 * styles, lays out and paints them in well under 50 ms (bench/runtime_bench.py, 4x CPU).
 */
export const ELEMENTS_PER_FRAME = 40;

/**
 * How many elements each later frame puts on the page: what follows is below the fold, so
 * smaller frames cost the reader nothing they see, and keep every task short on a phone under
 * a CPU quota, where a frame's work takes four times as long (the bench's phone profile).
 */
export const ELEMENTS_PER_LATER_FRAME = 20;

/**
 * How many characters of text weigh as much as one element in a frame: new text is shaped and
 * broken into lines as it is laid out, so a step's long paragraphs cost a frame as much as its
 * elements do (in a trace at 4x CPU, the layout of an outcome's first screenful took 36 ms of a
 * 61 ms frame). About a line of text on a phone.
 */
export const CHARACTERS_PER_ELEMENT = 40;

const ELEMENT_NODE = 1;

/** @typedef {[Comment, ChildNode]} Placeholder a marker left in the fragment, and its node */

/**
 * Split a step (a fragment not yet on the page) into frames, in page order: a first frame of
 * about `perFrame` elements, then frames of about `laterPerFrame` (text counted too: frameCost).
 * What fits in the first frame stays in the fragment. Each node of a later frame is taken out and
 * a marker comment left in its place; a node too big for the frame it would start comes with its
 * first children, and the rest of them follow in the frames after. Returns the later frames as
 * lists of [marker, node] pairs, to put back in order with `marker.replaceWith(node)`.
 *
 * @param {DocumentFragment} fragment
 * @param {number} [perFrame]
 * @param {number} [laterPerFrame]
 * @returns {Placeholder[][]}
 */
export function splitIntoFrames(
  fragment,
  perFrame = ELEMENTS_PER_FRAME,
  laterPerFrame = Math.min(perFrame, ELEMENTS_PER_LATER_FRAME),
) {
  const document = /** @type {Document} */ (fragment.ownerDocument);
  /** @type {Placeholder[][]} */
  const laterFrames = [];
  /** @type {Placeholder[] | null} null: the first frame */
  let frame = null;
  let room = perFrame;
  /**
   * @param {ChildNode} node
   * @param {Placeholder[] | null} parentFrame
   */
  const assign = (node, parentFrame) => {
    const size = frameCost(node);
    // Split only what fits neither here nor in a fresh (later) frame.
    const split = size > room && size > laterPerFrame && node.nodeType === ELEMENT_NODE;
    const ownSize = split ? 1 : size;
    if (ownSize > room) {
      frame = [];
      laterFrames.push(frame);
      room = laterPerFrame;
    }
    room -= ownSize;
    const nodeFrame = frame;
    if (nodeFrame !== null && nodeFrame !== parentFrame) {
      const marker = document.createComment("");
      node.replaceWith(marker);
      nodeFrame.push([marker, node]);
    }
    if (split) for (const child of [...node.childNodes]) assign(child, nodeFrame);
  };
  for (const child of [...fragment.childNodes]) assign(child, null);
  return laterFrames;
}

/**
 * What a node costs a frame, in elements: its elements, itself included, and its text at one
 * element per CHARACTERS_PER_ELEMENT characters.
 *
 * @param {Node} node
 * @returns {number}
 */
export function frameCost(node) {
  const text = Math.floor((node.textContent ?? "").length / CHARACTERS_PER_ELEMENT);
  return elementCount(node) + text;
}

/**
 * Elements in a node, itself included.
 *
 * @param {Node} node
 * @returns {number}
 */
export function elementCount(node) {
  if (node.nodeType !== ELEMENT_NODE) return 0;
  return 1 + /** @type {Element} */ (node).getElementsByTagName("*").length;
}
