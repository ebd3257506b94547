// Program: the walker (main thread). Owns the walker's URLs: the walk token in a link's fragment,
// the flow's start page (BASE), a state's share link and its static step page, as the site's
// layout (layout.mjs, from the build) spells them. Pure functions of strings and the layout
// (unit-tested under Node, tests/js/).

import { MAX_TOKEN_LENGTH, TOKEN_PATTERN } from "./contract.mjs";

/** @typedef {Pick<import("./layout.mjs").Layout, "step_page" | "share_link">} LinkLayout */

/**
 * A layout template with its `{name}` placeholders filled (MANIFEST.md: no other syntax).
 *
 * @param {string} template
 * @param {Record<string, string>} values
 * @returns {string}
 */
export function fill(template, values) {
  return template.replace(/\{([a-z_]+)\}/g, (placeholder, name) => values[name] ?? placeholder);
}

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
 * BASE, the flow's start page, from the path of a page of the flow: a static step page is the
 * layout's step page of its token (`pageToken`), the start page is BASE itself.
 *
 * @param {LinkLayout} layout
 * @param {string} pagePath
 * @param {string} pageToken
 * @param {string | null} startToken null while unknown (before the engine's first answer)
 * @returns {string}
 */
export function flowBase(layout, pagePath, pageToken, startToken) {
  const suffix = fill(layout.step_page, { base: "", token: pageToken });
  if (pageToken !== startToken && pagePath.endsWith(`/${suffix}`)) {
    return pagePath.slice(0, -suffix.length);
  }
  return pagePath;
}

/**
 * The share link of a state (BASE#<token>), BASE alone for the start.
 *
 * @param {LinkLayout} layout
 * @param {string} base
 * @param {string} token
 * @param {string | null} startToken
 * @returns {string}
 */
export function shareUrl(layout, base, token, startToken) {
  return token === startToken ? base : fill(layout.share_link, { base, token });
}

/**
 * The static page of a state, where the build wrote one (BASE<token>/).
 *
 * @param {LinkLayout} layout
 * @param {string} base
 * @param {string} token
 * @returns {string}
 */
export function stepPageUrl(layout, base, token) {
  return fill(layout.step_page, { base, token });
}
