// Unit tests of web/step.mjs: what the walker adds to the engine's step HTML (on happy-dom's DOM).
import assert from "node:assert/strict";
import { test } from "node:test";

import { Window } from "happy-dom";

import * as step from "../../web/step.mjs";

const { document } = new Window();

/** @param {string} html */
function element(html) {
  const holder = document.createElement("div");
  holder.innerHTML = html;
  return holder;
}

const CHECKLIST = `<form data-action="tick">
  <input type="checkbox" name="item" value="fever">
  <input type="checkbox" name="item" value="numbness" checked>
  <input type="checkbox" name="item" value="none" data-none></form>`;

test("isoLocal writes the local date and time to the minute, zero-padded", () => {
  assert.equal(step.isoLocal(new Date(2026, 0, 5, 7, 3, 59)), "2026-01-05 07:03");
  assert.equal(step.isoLocal(new Date(2026, 11, 31, 23, 59)), "2026-12-31 23:59");
});

test("the note's empty time is filled, a filled one kept", () => {
  const root = element(
    "<p data-note>At <span data-note-time></span> <span data-note-time>kept</span></p>",
  );
  step.fillNoteTime(root, new Date(2026, 11, 1, 20, 15));
  const times = [...root.querySelectorAll("[data-note-time]")].map((span) => span.textContent);
  assert.deepEqual(times, ["2026-12-01 20:15", "kept"]);
});

test("a note time that is itself the root (a node of a later frame) is filled too", () => {
  const time = element("<span data-note-time></span>").firstElementChild;
  step.fillNoteTime(time, new Date(2026, 11, 1, 20, 15));
  assert.equal(time.textContent, "2026-12-01 20:15");
});

test("the answers asked for ahead: every answer, continue, a checklist's 'None of these'", () => {
  const question = element(
    '<button data-action="choose" data-choice="yes">Yes</button>' +
      '<button data-action="back">Back</button>' +
      '<button data-action="choose" data-choice="no">No</button>',
  );
  assert.deepEqual(step.answerChoices(question), ["yes", "no"]);
  const info = element('<button data-action="continue">Continue</button>');
  assert.deepEqual(step.answerChoices(info), [null]);
  assert.deepEqual(step.answerChoices(element(CHECKLIST)), [["none"]]);
  // A checklist without a "None of these" box: nothing ticked is its answer.
  const plain = element('<form data-action="tick"><input type="checkbox" value="a"></form>');
  assert.deepEqual(step.answerChoices(plain), [[]]);
  assert.deepEqual(step.answerChoices(element("<p>An outcome</p>")), []);
});

test("a checklist's earlier ticks come back, and only those", () => {
  const root = element(CHECKLIST);
  step.restoreAnswers(root, ["fever"]);
  assert.deepEqual(step.tickedItems(root.querySelector("form")), ["fever"]);
  step.restoreAnswers(root, undefined); // nothing remembered: the boxes stay as they are
  assert.deepEqual(step.tickedItems(root.querySelector("form")), ["fever"]);
});

test("a question's earlier answer is marked, as text (never markup)", () => {
  const root = element(
    '<button data-action="choose" data-choice="yes">Yes</button>' +
      '<button data-action="choose" data-choice="no">No</button>',
  );
  step.restoreAnswers(root, "no");
  const [yes, no] = root.querySelectorAll("button");
  assert.ok(!yes.classList.contains("answer--given"));
  assert.ok(no.classList.contains("answer--given"));
  assert.equal(no.getAttribute("aria-describedby"), "walker-given-note");
  assert.equal(no.textContent, "No (your earlier answer)");
  step.restoreAnswers(root, "<b>yes</b>"); // stored text that is no answer marks nothing
  assert.equal(root.querySelectorAll(".answer--given").length, 1);
});

test("the printout lists each source once, label and full reference", () => {
  const root = element(
    '<span class="sources"><a href="/s#nice" title="NICE NG59 (2016)">NICE</a></span>' +
      '<span class="sources"><a href="/s#nice" title="NICE NG59 (2016)">NICE</a>' +
      '<a href="/s#acp" title="Qaseem 2017">ACP</a><a href="/s#x">untitled</a>' +
      '<a href="/s#nice" title="another title">NICE again</a></span>',
  );
  const list = step.referenceList(root);
  assert.equal(list.getAttribute("aria-label"), "References");
  const items = [...list.querySelectorAll("li")].map((li) => li.textContent);
  assert.deepEqual(items, ["NICE: NICE NG59 (2016)", "ACP: Qaseem 2017"]);
});

test("the printout lists AI answers and clinic pages after guidelines and evidence", () => {
  const root = element(
    '<p class="sources"><a href="/s#ai" title="Dr.Oracle answer" data-late-source>AI</a>' +
      '<a href="/s#nice" title="NICE NG59 (2016)">NICE</a></p>' +
      '<p class="sources"><a href="/s#clinic" title="Clinic page" data-late-source>Clinic</a>' +
      '<a href="/s#acp" title="Qaseem 2017">ACP</a></p>',
  );
  const items = [...step.referenceList(root).querySelectorAll("li")].map((li) => li.textContent);
  assert.deepEqual(items, [
    "NICE: NICE NG59 (2016)",
    "ACP: Qaseem 2017",
    "AI: Dr.Oracle answer",
    "Clinic: Clinic page",
  ]);
});

test("a notice is text, not markup", () => {
  const notice = step.noticeElement(document, "<img src=x onerror=alert(1)>");
  assert.equal(notice.className, "walker-notice");
  assert.equal(notice.children.length, 0);
  assert.equal(notice.textContent, "<img src=x onerror=alert(1)>");
});
