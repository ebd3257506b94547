// Program: the walker (main thread). Owns what the walker adds to a step the engine rendered:
// the earlier answer shown again, the note's time of assessment, notices, and the printout's
// reference list. Every text here is set with textContent (nothing becomes markup).

import { ACTIONS, CHECKLIST_ITEM_NAME } from "./contract.mjs";

/** @typedef {import("./answers.mjs").Answer} Answer */
/** @typedef {string | string[] | null} Choice an answer id, ticked item ids, or null: continue */

/**
 * Show the answer given on this step before: its boxes ticked again, or its answer button
 * marked. Only values that are on the step are used (stored text never becomes markup).
 *
 * @param {ParentNode} step
 * @param {Answer | undefined} given
 */
export function restoreAnswers(step, given) {
  if (given === undefined) return;
  if (Array.isArray(given)) {
    for (const box of step.querySelectorAll(
      `form[data-action=${ACTIONS.tick}] input[type=checkbox]`,
    )) {
      /** @type {HTMLInputElement} */ (box).checked = given.includes(
        /** @type {HTMLInputElement} */ (box).value,
      );
    }
    return;
  }
  for (const button of step.querySelectorAll(`button[data-action=${ACTIONS.choose}]`)) {
    if (/** @type {HTMLElement} */ (button).dataset.choice === given) {
      button.classList.add("answer--given");
      button.setAttribute("aria-describedby", "walker-given-note");
      const note = button.ownerDocument.createElement("span");
      note.className = "walker-given";
      note.id = "walker-given-note";
      note.textContent = " (your earlier answer)";
      button.append(note);
    }
  }
}

/**
 * The answers of a step that the walker asks for ahead of a click (see prepareAnswers in
 * walker.mjs), in page order: every answer button, "continue", and of a checklist's many
 * answers only the commonest, "None of these" (nothing ticked where it has no such box).
 *
 * @param {ParentNode} step the whole step (before it is split into frames)
 * @returns {Choice[]}
 */
export function answerChoices(step) {
  /** @type {Choice[]} */
  const choices = [...step.querySelectorAll(`button[data-action=${ACTIONS.choose}]`)].map(
    (button) => /** @type {HTMLElement} */ (button).dataset.choice ?? "",
  );
  if (step.querySelector(`button[data-action=${ACTIONS.continue}]`) !== null) choices.push(null);
  const checklist = step.querySelector(`form[data-action=${ACTIONS.tick}]`);
  if (checklist !== null) {
    const none = checklist.querySelector("input[data-none]");
    choices.push(none === null ? [] : [/** @type {HTMLInputElement} */ (none).value]);
  }
  return choices;
}

/**
 * ISO local date and time, to the minute: 2026-12-01 20:15 (never the ambiguous 12/1/2026).
 *
 * @param {Date} date
 * @returns {string}
 */
export function isoLocal(date) {
  /** @param {number} n */
  const two = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}`
  );
}

/**
 * Fill the note's time of assessment (`<span data-note-time>`, left empty by the engine).
 *
 * @param {ParentNode} root
 * @param {Date} [now]
 */
export function fillNoteTime(root, now = new Date()) {
  const times = [...root.querySelectorAll("[data-note-time]")];
  // The root itself may be the time (a node of a later frame, see frames.mjs).
  if ("matches" in root && /** @type {Element} */ (root).matches("[data-note-time]")) {
    times.push(/** @type {Element} */ (root));
  }
  for (const time of times) {
    if ((time.textContent ?? "").trim() !== "") continue;
    time.textContent = isoLocal(now);
  }
}

/**
 * Every source cited on the step, once, by its short label and full reference (link titles).
 *
 * @param {Element} root
 * @returns {HTMLElement}
 */
export function referenceList(root) {
  const document = root.ownerDocument;
  /** @type {Map<string | null, [string, string | null, boolean]>} */
  const seen = new Map();
  for (const link of root.querySelectorAll(".sources a[title]")) {
    const key = link.getAttribute("href");
    if (!seen.has(key)) {
      const late = link.hasAttribute("data-late-source");
      seen.set(key, [(link.textContent ?? "").trim(), link.getAttribute("title"), late]);
    }
  }
  const section = document.createElement("section");
  section.className = "walker-print-refs";
  section.setAttribute("aria-label", "References");
  const heading = document.createElement("p");
  heading.textContent = "References";
  const list = document.createElement("ol");
  // Guidelines and evidence first, AI answers and clinic pages (data-late-source) last, as on the
  // static page (engine.grades.ordered); otherwise in the order the step cites them.
  const entries = [...seen.values()];
  const ordered = [...entries.filter((e) => !e[2]), ...entries.filter((e) => e[2])];
  for (const [label, reference] of ordered) {
    const item = document.createElement("li");
    const strong = document.createElement("strong");
    strong.textContent = label;
    item.append(strong, `: ${reference}`);
    list.append(item);
  }
  section.append(heading, list);
  return section;
}

/**
 * @param {Document} document
 * @param {string} text
 * @returns {HTMLElement}
 */
export function noticeElement(document, text) {
  const notice = document.createElement("p");
  notice.className = "walker-notice";
  notice.textContent = text;
  return notice;
}

/**
 * The ids of the ticked boxes of a checklist form.
 *
 * @param {HTMLFormElement} form
 * @returns {string[]}
 */
export function tickedItems(form) {
  return [...form.querySelectorAll(`input[name=${CHECKLIST_ITEM_NAME}]:checked`)].map(
    (box) => /** @type {HTMLInputElement} */ (box).value,
  );
}
