// Program: the walker (main thread). Owns what the reader sees while the interactive version
// loads, and why it failed if it did.
//
// Served from /assets/walker/loading.mjs beside walker.mjs. Three things from here:
// - `watchStartup(worker, ready)`, which engine-client.mjs races with the start: a promise that
//   rejects (with a `cause`) only when the start cannot succeed: no byte arrived for a while (a
//   network too slow or gone), or the bytes are all in and the engine still did not start. No
//   fixed give-up while bytes are arriving: on a slow line the download may take minutes and
//   still succeed.
// - the progress line: while the runtime downloads, the worker posts {type: "progress", loaded,
//   total} (gzip bytes, web/worker.mjs); a small status line under the walker says "Loading the
//   interactive version: 1.8 of 4.2 MB". The static step above it works all the while.
// - `failureNotice(error)`: the notice naming the cause: offline, a network too slow, or a
//   browser that cannot run it (never blaming the browser for the network).

import { FROM_WORKER, STATES, TO_WORKER, WALKER_ID } from "./contract.mjs";

/** How long with no byte arriving before the start is given up as "network too slow". */
export const STALL_MS = Number(globalThis.WALKER_CONFIG?.watchdogMs) || 30_000;
/** After the last byte, how long the engine may take to start (a slow phone's CPU). */
const START_MS = Math.max(STALL_MS, 120_000);

const KEEP_WORKING = "The step-by-step pages work as they are.";

/** An error that knows its cause: "offline", "slow" or "browser" (else a generic failure). */
export class StartupError extends Error {
  /**
   * @param {string} message
   * @param {"offline" | "slow" | "browser"} cause
   */
  constructor(message, cause) {
    super(message);
    this.cause = cause;
  }
}

/** The status line under the walker (created on first progress, removed when done). */
function statusLine() {
  const root = document.getElementById(WALKER_ID);
  if (!root?.parentElement || root.dataset.state !== STATES.loading) return null;
  let line = root.parentElement.querySelector(":scope > .walker-loading");
  if (!line) {
    line = document.createElement("p");
    line.className = "walker-loading";
    line.setAttribute("role", "status"); // polite, and only its text: no focus is moved
    root.after(line);
  }
  return line;
}

function removeStatusLine() {
  for (const line of document.querySelectorAll(".walker-loading")) line.remove();
}

/**
 * @param {number} bytes
 * @returns {string}
 */
function megabytes(bytes) {
  return (bytes / 1_000_000).toFixed(1);
}

/**
 * Progress text for `loaded` of `total` bytes.
 *
 * @param {number} loaded
 * @param {number} total
 * @returns {string}
 */
export function progressText(loaded, total) {
  return `Loading the interactive version: ${megabytes(loaded)} of ${megabytes(total)} MB`;
}

/**
 * Watches the worker's start: shows progress and rejects when it cannot succeed (see the top).
 * Settles never on success: race it with `ready`.
 *
 * @param {Worker} worker
 * @param {Promise<void>} ready
 * @returns {Promise<never>}
 */
export function watchStartup(worker, ready) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let lastText = "";
  let done = false;
  return new Promise((_, reject) => {
    /** @param {StartupError} error */
    const giveUp = (error) => {
      if (done) return;
      done = true;
      worker.terminate();
      removeStatusLine();
      reject(error);
    };
    /**
     * @param {number} ms
     * @param {StartupError} error
     */
    const arm = (ms, error) => {
      clearTimeout(timer);
      timer = setTimeout(() => giveUp(error), ms);
    };
    const stalled = () =>
      navigator.onLine === false
        ? new StartupError("the connection was lost while loading", "offline")
        : new StartupError(`no data arrived for ${Math.round(STALL_MS / 1000)} s`, "slow");
    arm(STALL_MS, stalled());
    worker.postMessage({ type: TO_WORKER.askProgress }); // a worker started earlier says where
    worker.addEventListener("message", (event) => {
      if (done || event.data?.type !== FROM_WORKER.progress) return;
      const { loaded, total } = event.data;
      if (loaded >= total) {
        arm(START_MS, new StartupError("the engine did not start after loading", "browser"));
      } else {
        arm(STALL_MS, stalled());
      }
      const line = statusLine();
      const text = progressText(loaded, total);
      if (line && text !== lastText) line.textContent = lastText = text;
    });
    const finish = () => {
      done = true;
      clearTimeout(timer);
      removeStatusLine();
    };
    ready.then(finish, finish);
  });
}

/**
 * The cause of a failed start, from the error and the browser's state.
 *
 * @param {unknown} error
 * @param {boolean} [online] navigator.onLine
 * @returns {"offline" | "slow" | "browser" | "network"}
 */
export function failureCause(error, online = navigator.onLine) {
  if (online === false) return "offline";
  if (error instanceof StartupError && error.cause) return error.cause;
  const text = String(/** @type {{message?: unknown} | null} */ (error)?.message ?? error);
  if (/no WebAssembly|no Web Workers|module workers|CompileError|out of memory/i.test(text)) {
    return "browser";
  }
  if (/fetch|network|HTTP \d|load|download/i.test(text)) return "network";
  return "browser";
}

/**
 * The notice for a failed start: names the cause (and keeps "could not start" for all).
 *
 * @param {unknown} error
 * @param {string} offlineNotice
 * @param {boolean} [online] navigator.onLine
 * @returns {string}
 */
export function failureNotice(error, offlineNotice, online = navigator.onLine) {
  switch (failureCause(error, online)) {
    case "offline":
      return offlineNotice;
    case "slow":
      return (
        "The interactive version could not start: the network is too slow right now (nothing " +
        `arrived for ${Math.round(STALL_MS / 1000)} s). Reload to try again. ${KEEP_WORKING}`
      );
    case "network":
      return (
        "The interactive version could not start: a file it needs could not be downloaded. " +
        `Reload to try again. ${KEEP_WORKING}`
      );
    default:
      return `The interactive version could not start in this browser. ${KEEP_WORKING}`;
  }
}
