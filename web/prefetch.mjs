// Program: the engine client (every page's script). Owns starting the tab's one engine worker
// (engine-client.mjs) ahead of need, so the walker is ready when the reader arrives at the
// algorithm, but only when it costs the reader nothing they would mind:
//   * when the reader is idle and the runtime is already in this site's cache (they used the
//     algorithm before: no byte is downloaded, only a background thread works), or
//   * when the reader points at, touches or focuses a link to the algorithm (clear intent),
// and never with Save-Data on or on a slow connection (2G/3G), where it waits for the click.
// With Material's instant navigation the worker survives the move to the algorithm page, so the
// walker takes over at once instead of after a start-up of several seconds.
//
// Served from /assets/walker/prefetch.mjs (a page script on every page, mkdocs.yml); the walker
// imports engine-client.mjs itself, so the module runs once per tab either way.

import { WALKER_ID } from "./contract.mjs";
import {
  canRunEngine,
  connectionAllowsPrefetch,
  engineWorker,
  workerStarted,
} from "./engine-client.mjs";
import { LAYOUT, SITE_ROOT } from "./layout.mjs";

const RUNTIME_PROBE_URL = new URL(LAYOUT.runtime_probe, SITE_ROOT);
const ALGORITHM_PATH = new URL(LAYOUT.algorithm, SITE_ROOT).pathname;

/** Whether the runtime was cached by this site's service worker on an earlier visit. */
async function runtimeIsCached() {
  if (!("caches" in globalThis)) return false;
  try {
    return Boolean(await caches.match(RUNTIME_PROBE_URL.href));
  } catch {
    return false;
  }
}

/**
 * @param {EventTarget | null} target
 * @returns {boolean}
 */
function isAlgorithmLink(target) {
  const link = target instanceof Element ? target.closest("a[href]") : null;
  return (
    link instanceof HTMLAnchorElement &&
    new URL(link.href, document.baseURI).pathname.startsWith(ALGORITHM_PATH)
  );
}

/** @param {() => void} callback */
function whenIdle(callback) {
  if ("requestIdleCallback" in window) requestIdleCallback(callback, { timeout: 3000 });
  else setTimeout(callback, 2000);
}

/** An early start is a bonus: if it cannot happen, the walker reports why when it needs it. */
function startQuietly() {
  try {
    engineWorker();
  } catch {
    // Nothing to do: the walker will try again and show its notice.
  }
}

/** Page-script mode: start the engine ahead of need, on the terms described at the top. */
function startAheadOfNeed() {
  if (!canRunEngine()) return;
  /** @param {Event} event */
  const onIntent = (event) => {
    if (!workerStarted() && connectionAllowsPrefetch() && isAlgorithmLink(event.target))
      startQuietly();
  };
  for (const type of ["pointerover", "touchstart", "focusin"]) {
    document.addEventListener(type, onIntent, { passive: true });
  }
  const afterLoad = () =>
    whenIdle(async () => {
      if (!workerStarted() && connectionAllowsPrefetch() && (await runtimeIsCached()))
        startQuietly();
    });
  if (document.readyState === "complete") afterLoad();
  else window.addEventListener("load", afterLoad, { once: true });
}

// On the algorithm page the walker starts the engine itself.
if (!document.getElementById(WALKER_ID)) startAheadOfNeed();
