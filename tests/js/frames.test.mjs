// Unit tests of web/frames.mjs (a step put on the page a screenful per frame), on happy-dom's DOM.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Window } from "happy-dom";

import {
  CHARACTERS_PER_ELEMENT,
  ELEMENTS_PER_FRAME,
  ELEMENTS_PER_LATER_FRAME,
  elementCount,
  frameCost,
  splitIntoFrames,
} from "../../web/frames.mjs";

const { document } = new Window();

/** @param {string} html */
function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

/** @param {number} n */
const items = (n) => Array.from({ length: n }, (_, i) => `<li>${i}</li>`).join("");

/** Put the frames back as the walker does, and return the HTML. */
function reassemble(step, frames) {
  for (const frame of frames) for (const [marker, node] of frame) marker.replaceWith(node);
  const holder = document.createElement("div");
  holder.append(step);
  return holder.innerHTML;
}

test("elementCount counts an element and every element inside it, and no text", () => {
  const [section] = fragment(`<section><h2>a</h2><ul>${items(3)}</ul>text</section>`).childNodes;
  assert.equal(elementCount(section), 6);
  assert.equal(elementCount(document.createTextNode("x")), 0);
});

test("frameCost counts text too: a long paragraph takes the room of its lines", () => {
  const paragraph = `<p>${"word ".repeat(100)}</p>`; // one element, 500 characters
  const [p] = fragment(paragraph).childNodes;
  assert.equal(frameCost(p), 1 + Math.floor(500 / CHARACTERS_PER_ELEMENT));
  assert.equal(frameCost(fragment(`<h2>Age</h2>`).firstChild), 1);
  // A heading and three such paragraphs (13 each): the third does not fit the first frame.
  const html = `<h2>t</h2>${paragraph.repeat(3)}`;
  const step = fragment(html);
  const frames = splitIntoFrames(step, 30, 20);
  assert.deepEqual(
    frames.map((frame) => frame.map(([, node]) => node.nodeName)),
    [["P"]],
  );
  assert.equal(reassemble(step, frames), html);
});

test("a short step stays whole in the first frame", () => {
  const step = fragment(`<h2>t</h2><ul>${items(10)}</ul>`);
  assert.deepEqual(splitIntoFrames(step), []);
  assert.equal(step.childNodes.length, 2);
});

test("a long list is split into frames of at most the frame size, in page order", () => {
  const html = `<section><h2>t</h2><ul>${items(200)}</ul></section><p>end</p>`;
  const step = fragment(html);
  const frames = splitIntoFrames(step);
  assert.ok(frames.length >= 200 / ELEMENTS_PER_FRAME, `${frames.length} frames`);
  // What is left in the fragment is the first frame; each later one is at most a frame's worth.
  assert.ok(elementCount(step.firstChild) <= ELEMENTS_PER_FRAME);
  for (const frame of frames) {
    const size = frame.reduce((sum, [, node]) => sum + elementCount(node), 0);
    assert.ok(size <= ELEMENTS_PER_FRAME, `a frame of ${size} elements`);
    for (const [marker, node] of frame) {
      assert.equal(marker.nodeType, 8); // a comment stands where the node goes
      assert.equal(node.parentNode, null);
    }
  }
  // Put back in order, the frames give exactly the step as it was.
  assert.equal(reassemble(step, frames), html);
});

test("the frame size is a parameter (the walker uses ELEMENTS_PER_FRAME)", () => {
  const html = `<ul>${items(9)}</ul>`;
  const step = fragment(html);
  const frames = splitIntoFrames(step, 3);
  // The list (split: it counts 1) and two items fill the first frame; the rest go three a frame.
  assert.deepEqual(
    frames.map((frame) => frame.length),
    [3, 3, 1],
  );
  assert.equal(reassemble(step, frames), html);
});

test("a node counts with everything in it, and one that fits is never split", () => {
  const item = "<li><b>x</b> <i>y</i></li>"; // three elements
  const html = `<ul>${item.repeat(6)}</ul>`;
  const step = fragment(html);
  const frames = splitIntoFrames(step, 7);
  // The list (split: it counts 1) and two items (6) fill the first frame; then two a frame.
  assert.deepEqual(
    frames.map((frame) => frame.map(([, node]) => elementCount(node))),
    [
      [3, 3],
      [3, 3],
    ],
  );
  assert.equal(reassemble(step, frames), html);
});

test("after the first screenful, the frames are smaller (below the fold, short tasks)", () => {
  const html = `<ul>${items(30)}</ul><p>end</p>`;
  const step = fragment(html);
  const frames = splitIntoFrames(step, 10, 4);
  // The list (split: it counts 1) and nine items fill the first frame; then four a frame (the
  // last item and the paragraph share the last).
  assert.deepEqual(
    frames.map((frame) => frame.length),
    [4, 4, 4, 4, 4, 2],
  );
  assert.equal(reassemble(step, frames), html);
  // The walker's own sizes: a first screenful, then smaller frames.
  assert.ok(ELEMENTS_PER_LATER_FRAME < ELEMENTS_PER_FRAME);
  const long = fragment(`<section><h2>t</h2><ul>${items(200)}</ul></section>`);
  const later = splitIntoFrames(long);
  assert.ok(elementCount(long.firstChild) > ELEMENTS_PER_LATER_FRAME);
  for (const frame of later) {
    const size = frame.reduce((sum, [, node]) => sum + elementCount(node), 0);
    assert.ok(size <= ELEMENTS_PER_LATER_FRAME, `a later frame of ${size} elements`);
  }
});
