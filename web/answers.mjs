// Program: the walker (main thread). Owns the answers a tab remembers per flow (sessionStorage:
// this tab only; it survives a reload and the browser's Back), so Back shows the answer given
// before. Stored text is only ever compared with the values on a step, never made markup.

/** How many answered steps a tab remembers per flow. */
export const REMEMBERED_ANSWERS = 200;

/** @typedef {string | string[]} Answer an answer id, or the ticked item ids of a checklist */
/** @typedef {Map<string, Answer>} Answers step token -> the answer given there, oldest first */

/**
 * @param {string} flow
 * @returns {string}
 */
function answersKey(flow) {
  return `walker-answers:${flow}`;
}

/**
 * The answers in stored text; entries of another shape (damaged, an older version) are dropped.
 *
 * @param {string | null} text
 * @returns {Answers}
 */
export function parseAnswers(text) {
  /** @type {unknown} */
  const stored = JSON.parse(text ?? "[]");
  if (!Array.isArray(stored)) return new Map();
  return new Map(
    stored.filter(
      (entry) =>
        Array.isArray(entry) &&
        typeof entry[0] === "string" &&
        (typeof entry[1] === "string" ||
          (Array.isArray(entry[1]) && entry[1].every((item) => typeof item === "string"))),
    ),
  );
}

/**
 * The text to store: the newest REMEMBERED_ANSWERS entries (older ones are dropped from `given`).
 *
 * @param {Answers} given
 * @returns {string}
 */
export function serialiseAnswers(given) {
  while (given.size > REMEMBERED_ANSWERS)
    given.delete(/** @type {string} */ (given.keys().next().value));
  return JSON.stringify([...given]);
}

/**
 * The answers remembered in this tab for a flow.
 *
 * @param {string} flow
 * @returns {Answers}
 */
export function loadAnswers(flow) {
  try {
    return parseAnswers(sessionStorage.getItem(answersKey(flow)));
  } catch {
    // No storage here (private mode, a refused permission) or damaged: remember in memory only.
    return new Map();
  }
}

/**
 * @param {string} flow
 * @param {Answers} given
 */
export function saveAnswers(flow, given) {
  const text = serialiseAnswers(given);
  try {
    sessionStorage.setItem(answersKey(flow), text);
  } catch {
    // As above: kept in memory for this page.
  }
}
