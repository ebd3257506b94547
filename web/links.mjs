// Program: the walker (main thread). Owns the walker's URLs: the walk token in a link's fragment,
// the flow's start page (BASE), a state's share link (BASE#<token>) and its static step page
// (BASE<token>/). Pure functions of strings (unit-tested under Node, tests/js/).

import { MAX_TOKEN_LENGTH, TOKEN_PATTERN } from "./contract.mjs";

/**
 * What often sticks to a link pasted into text: a full stop, a closing bracket or quote, a
 * space. Stripped from the end of a share link (a token never ends in any of these).
 */
const TRAILING_JUNK = /[\s.,;:!?)\]}>'"\u00bb\u201d\u2019]+$/u;

/**
 * The walk token in a URL fragment (`location.hash`, "#<token>"); null for none or a plain
 * anchor (the id of an element on the page, as `isElementId` says). What sticks to pasted links
 * (a trailing full stop, bracket or space, also %-encoded) is dropped. Anything else that is not
 * a token is returned as it is (at most a character more than a token can have): the engine
 * refuses it with a notice that says why, as it does for every other damaged link.
 *
 * @param {string} hash
 * @param {(id: string) => boolean} isElementId
 * @returns {string | null}
 */
export function tokenFromHash(hash, isElementId) {
  const raw = hash.slice(1);
  if (raw === "") return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // A stray % sign: keep the text as it is; the engine says it is damaged.
  }
  if (isElementId(raw) || isElementId(text)) return null;
  const trimmed = text.replace(TRAILING_JUNK, "").trimStart();
  if (TOKEN_PATTERN.test(trimmed)) return trimmed;
  return text.slice(0, MAX_TOKEN_LENGTH + 1) || null;
}

/**
 * BASE, the flow's start page, from the path of a page of the flow: a static step page is
 * BASE<token>/ (`pageToken` being its token), the start page is BASE itself.
 *
 * @param {string} pagePath
 * @param {string} pageToken
 * @param {string | null} startToken null while unknown (before the engine's first answer)
 * @returns {string}
 */
export function flowBase(pagePath, pageToken, startToken) {
  const suffix = `${pageToken}/`;
  if (pageToken !== startToken && pagePath.endsWith(`/${suffix}`)) {
    return pagePath.slice(0, -suffix.length);
  }
  return pagePath;
}

/**
 * The share link of a state: BASE#<token>, BASE alone for the start.
 *
 * @param {string} base
 * @param {string} token
 * @param {string | null} startToken
 * @returns {string}
 */
export function shareUrl(base, token, startToken) {
  return token === startToken ? base : `${base}#${token}`;
}

/**
 * The static page of a state (where the build wrote one): BASE<token>/.
 *
 * @param {string} base
 * @param {string} token
 * @returns {string}
 */
export function stepPageUrl(base, token) {
  return `${base}${token}/`;
}
