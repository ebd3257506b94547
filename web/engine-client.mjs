// Program: the engine client (main thread). Owns the walker's connection to the engine: the
// tab's one engine worker (prefetch.mjs starts it, perhaps on an earlier page), each bridge
// request matched to its answer by id (see engine/contract.py for the messages), a time limit
// per request, and the failure of everything waiting when the worker stops.

import { TO_WORKER } from "./contract.mjs";
import { watchStartup } from "./loading.mjs";
import { engineWorker } from "./prefetch.mjs";

/** @typedef {import("./contract.mjs").BridgeRequest} BridgeRequest */
/** @typedef {import("./contract.mjs").StepResponse} StepResponse */
/** @typedef {{ok: false, error: string}} FailedResponse a request the walker should never send */
/** @typedef {StepResponse | FailedResponse} BridgeResponse */

/**
 * @typedef {object} EngineClient
 * @property {Promise<void>} ready resolves once the engine has started
 * @property {(body: BridgeRequest) => Promise<BridgeResponse>} request one request to the bridge
 * @property {(flow: string, rev?: string) => void} preload fetch a flow while the runtime starts
 */

/**
 * What the client needs of a worker (a Worker, or a MessagePort in the unit tests).
 * @typedef {Pick<Worker, "postMessage" | "addEventListener">} EnginePort
 */

/** How long one step may take (the first also fetches the flow) before the walker says so. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A client that fails every request with `reason` (no engine can run here).
 *
 * @param {string} reason
 * @returns {EngineClient}
 */
export function failedClient(reason) {
  const ready = Promise.reject(new Error(reason));
  ready.catch(() => {});
  return {
    ready,
    request: () => ready.then(() => ({ ok: false, error: reason })),
    preload: () => {},
  };
}

/**
 * A client over an engine worker that is `ready` when its promise resolves.
 *
 * @param {EnginePort} worker
 * @param {Promise<void>} ready
 * @param {number} [timeoutMs]
 * @returns {EngineClient}
 */
export function connect(worker, ready, timeoutMs = REQUEST_TIMEOUT_MS) {
  /** @type {Map<string, {resolve: (r: BridgeResponse) => void, reject: (e: Error) => void}>} */
  const pending = new Map();
  let nextId = 1;
  worker.addEventListener("message", (event) => {
    const { id, response, error } = /** @type {MessageEvent} */ (event).data ?? {};
    const waiting = pending.get(id);
    if (waiting === undefined) return;
    pending.delete(id);
    if (error !== undefined) waiting.reject(new Error(error));
    else waiting.resolve(response);
  });
  // A worker that crashes after start-up answers nothing more: fail what is waiting.
  worker.addEventListener("error", () => {
    for (const { reject } of pending.values()) reject(new Error("the engine worker stopped"));
    pending.clear();
  });

  /** @type {EngineClient["request"]} */
  const request = (body) =>
    ready.then(
      () =>
        new Promise((resolve, reject) => {
          const id = `walker-${nextId++}`;
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error("the engine did not answer"));
          }, timeoutMs);
          pending.set(id, {
            resolve: (response) => {
              clearTimeout(timer);
              resolve(response);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
          worker.postMessage({ id, request: body });
        }),
    );
  /**
   * Let the worker fetch a flow while the runtime is still starting (no answer expected); `rev`
   * (the page's data-flow-rev) makes it fetch exactly this build's flow JSON.
   *
   * @type {EngineClient["preload"]}
   */
  const preload = (flow, rev) => worker.postMessage({ type: TO_WORKER.loadFlow, flow, rev });
  return { ready, request, preload };
}

/** @type {EngineClient | null} The tab's engine connection, made on first use. */
let tabClient = null;

/**
 * The tab's engine client: the tab's one worker (started now if it is not running yet), with
 * no fixed give-up while bytes arrive, and progress shown meanwhile (loading.mjs).
 *
 * @returns {EngineClient}
 */
export function tabEngine() {
  if (tabClient === null) tabClient = connectTab();
  return tabClient;
}

/** @returns {EngineClient} */
function connectTab() {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    return failedClient("this browser has no WebAssembly or no Web Workers");
  }
  let tab;
  try {
    tab = engineWorker(); // throws where module workers are not supported
  } catch (error) {
    return failedClient(`the engine worker could not start: ${error}`);
  }
  return connect(tab.worker, Promise.race([tab.ready, watchStartup(tab.worker, tab.ready)]));
}
