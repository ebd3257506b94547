// Program: the engine client (every page). Owns the tab's one engine worker, started early
// enough that the walker is ready when the reader arrives at the algorithm.
//
// Served from /assets/walker/prefetch.mjs beside worker.mjs. Two ways to use it:
// - the walker calls `engineWorker()` instead of `new Worker(...)`: it gets the tab's one worker
//   (maybe already running, started from a reading page) and a promise of its readiness, which
//   it cannot miss even if the worker said "ready" before the walker listened;
// - loaded as a page script on every page, it starts that worker ahead of need, but only when it
//   costs the reader nothing they would mind:
//     * when the reader is idle and the runtime is already in this site's cache (they used the
//       algorithm before: no byte is downloaded, only a background thread works), or
//     * when the reader points at, touches or focuses a link to the algorithm (clear intent),
//   and never with Save-Data on or on a slow connection (2G/3G), where it waits for the click.
// With Material's instant navigation the worker survives the move to the algorithm page, so the
// walker takes over at once instead of after a start-up of several seconds.

import { FROM_WORKER } from "./contract.mjs";

const WORKER_URL = new URL("worker.mjs", import.meta.url);
const SITE_ROOT = new URL("../../", import.meta.url);
const RUNTIME_PROBE_URL = new URL("assets/pyodide/pyodide.asm.wasm", SITE_ROOT);
const ALGORITHM_PATH = new URL("algorithm/", SITE_ROOT).pathname;

/** @typedef {{worker: Worker, ready: Promise<void>}} TabWorker */

/** @type {TabWorker | null} The tab's engine once started, else null. */
let engine = null;

/**
 * The tab's one engine worker, started now if it is not running yet. `ready` resolves when the
 * worker has posted {type: "ready"} and rejects with the reason it posted with {type: "failed"}.
 * Throws when the browser cannot start a module worker.
 *
 * @returns {TabWorker}
 */
export function engineWorker() {
  if (engine) return engine;
  // A browser without module workers ignores `type`: reading it proves the option is known.
  let knowsModuleWorkers = false;
  /** @type {WorkerOptions} */
  const options = {
    /** @returns {"module"} */
    get type() {
      knowsModuleWorkers = true;
      return "module";
    },
  };
  const worker = new Worker(WORKER_URL, options);
  if (!knowsModuleWorkers) {
    worker.terminate();
    throw new Error("module workers are not supported");
  }
  /** @type {Promise<void>} */
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener("message", function onStatus(event) {
      const type = event.data?.type;
      if (type !== FROM_WORKER.ready && type !== FROM_WORKER.failed) return;
      worker.removeEventListener("message", onStatus);
      if (type === FROM_WORKER.ready) resolve();
      else reject(new Error(event.data.reason));
    });
    worker.addEventListener("error", (event) => reject(new Error(event.message || "worker")));
  });
  ready.catch(() => {
    // The walker reports failures; an early start that failed is simply dropped.
    if (engine?.worker === worker) engine = null;
  });
  engine = { worker, ready };
  return engine;
}

/**
 * @typedef {object} NetworkInformation what Chromium's navigator.connection says
 * @property {boolean} [saveData]
 * @property {string} [effectiveType]
 */

/**
 * Whether the reader's connection is one where a few megabytes are fine to spend unasked.
 *
 * @param {NetworkInformation | null} [connection] (null: the browser does not say)
 * @returns {boolean}
 */
export function connectionAllowsPrefetch(
  connection = /** @type {{connection?: NetworkInformation}} */ (navigator).connection,
) {
  if (!connection) return true; // Most desktop browsers do not say: assume a normal connection.
  if (connection.saveData) return false;
  return !["slow-2g", "2g", "3g"].includes(connection.effectiveType ?? "");
}

/** Whether the runtime was cached by this site's service worker on an earlier visit. */
async function runtimeIsCached() {
  if (!("caches" in globalThis)) return false;
  try {
    return Boolean(await caches.match(RUNTIME_PROBE_URL.href));
  } catch {
    return false;
  }
}

function canRunEngine() {
  return typeof WebAssembly === "object" && typeof Worker === "function";
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
    if (!engine && connectionAllowsPrefetch() && isAlgorithmLink(event.target)) startQuietly();
  };
  for (const type of ["pointerover", "touchstart", "focusin"]) {
    document.addEventListener(type, onIntent, { passive: true });
  }
  const afterLoad = () =>
    whenIdle(async () => {
      if (!engine && connectionAllowsPrefetch() && (await runtimeIsCached())) startQuietly();
    });
  if (document.readyState === "complete") afterLoad();
  else window.addEventListener("load", afterLoad, { once: true });
}

// Imported by the walker and also listed as a page script: the module runs once per tab either way.
if (typeof document !== "undefined" && !document.getElementById("walker")) startAheadOfNeed();
