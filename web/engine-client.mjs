// Program: the engine client (main thread). Owns the connection to the engine: the tab's one
// engine worker (started by the walker, or ahead of need by prefetch.mjs, perhaps on an earlier
// page), each bridge request matched to its answer by id (engine/contract.py says what crosses),
// a time limit per request, and the failure of everything waiting when the worker stops.
//
// Served from /assets/walker/engine-client.mjs beside worker.mjs. `engineWorker()` gives the
// tab's one worker (maybe already running) and a promise of its readiness, which a late caller
// cannot miss even if the worker said "ready" before it listened.

import { FROM_WORKER, TO_WORKER } from "./contract.mjs";
import { STALL_MS, StartupError, watchStartup } from "./loading.mjs";

const WORKER_URL = new URL("worker.mjs", import.meta.url);

/** @typedef {import("./contract.mjs").BridgeRequest} BridgeRequest */
/** @typedef {import("./contract.mjs").StepResponse} StepResponse */
/** @typedef {{ok: false, error: string}} FailedResponse a request the walker should never send */
/** @typedef {StepResponse | FailedResponse} BridgeResponse */

/**
 * @typedef {object} EngineClient
 * @property {Promise<void>} ready resolves once the engine has started
 * @property {(body: BridgeRequest, options?: RequestOptions) => Promise<BridgeResponse>} request
 *   one request to the bridge
 * @property {(answer: Promise<BridgeResponse>) => void} hurry the reader now waits for this
 *   answer to a request asked ahead: the engine answers it next (nothing if it has answered)
 * @property {(flow: string, rev?: string) => void} preload fetch a flow while the runtime starts
 */

/**
 * @typedef {object} RequestOptions
 * @property {boolean} [ahead] asked before the reader asks (the walker's prepared answers): the
 *   engine answers every other request first, so a click never waits behind one
 */

/**
 * What the client needs of a worker (a Worker, or a MessagePort in the unit tests).
 * @typedef {Pick<Worker, "postMessage" | "addEventListener">} EnginePort
 */

/** @typedef {{worker: Worker, ready: Promise<void>}} TabWorker */

/** @type {TabWorker | null} The tab's engine worker once started, else null. */
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

/** @returns {boolean} whether the tab's engine worker has been started (and not failed) */
export function workerStarted() {
  return engine !== null;
}

/** @returns {boolean} whether this browser can run the engine at all */
export function canRunEngine() {
  return typeof WebAssembly === "object" && typeof Worker === "function";
}

/**
 * How long one step may take with no byte arriving (the first also fetches the flow) before
 * the walker says so.
 */
export const REQUEST_TIMEOUT_MS = STALL_MS;

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
    hurry: () => {},
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
  /**
   * @typedef {object} Waiting a request sent, not yet answered
   * @property {(r: BridgeResponse) => void} resolve
   * @property {(e: Error) => void} reject
   * @property {() => void} arm (re)start its time limit
   */
  /** @type {Map<string, Waiting>} */
  const pending = new Map();
  /** @type {WeakMap<Promise<BridgeResponse>, string>} each answer asked ahead, by its id */
  const askedAhead = new WeakMap();
  let nextId = 1;
  let answered = false; // whether the engine has answered a request yet
  worker.addEventListener("message", (event) => {
    const data = /** @type {MessageEvent} */ (event).data ?? {};
    if (data.type === FROM_WORKER.progress) {
      // Bytes are arriving for the worker (a flow's JSON, say): nothing is given up meanwhile.
      for (const waiting of pending.values()) waiting.arm();
      return;
    }
    const { id, response, error } = data;
    const waiting = pending.get(id);
    if (waiting === undefined) return;
    pending.delete(id);
    answered = true;
    if (error !== undefined) waiting.reject(new Error(error));
    else waiting.resolve(response);
  });
  // A worker that crashes after start-up answers nothing more: fail what is waiting.
  worker.addEventListener("error", () => {
    for (const { reject } of pending.values()) reject(new Error("the engine worker stopped"));
    pending.clear();
  });

  /**
   * Post one request once the engine is ready; it waits for its answer by its id, and fails
   * after `timeoutMs` with no answer and no byte arriving.
   *
   * @param {string} id
   * @param {BridgeRequest} body
   * @param {boolean} ahead
   * @returns {Promise<BridgeResponse>}
   */
  const send = (id, body, ahead) =>
    ready.then(
      () =>
        new Promise((resolve, reject) => {
          /** @type {ReturnType<typeof setTimeout> | undefined} */
          let timer;
          const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              pending.delete(id);
              // Until the engine has answered once, a request also waits for its flow's JSON
              // (the engine's own work on a step takes well under a second, even on a phone):
              // no answer then means no data arrived, a network too slow, not the browser.
              const message = "the engine did not answer";
              reject(answered ? new Error(message) : new StartupError(message, "slow"));
            }, timeoutMs);
          };
          arm();
          pending.set(id, {
            resolve: (response) => {
              clearTimeout(timer);
              resolve(response);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
            arm,
          });
          worker.postMessage({ id, request: body, ahead });
        }),
    );
  /** @type {EngineClient["request"]} */
  const request = (body, { ahead = false } = {}) => {
    const id = `walker-${nextId++}`;
    const answer = send(id, body, ahead);
    if (ahead) askedAhead.set(answer, id);
    return answer;
  };
  /** @type {EngineClient["hurry"]} */
  const hurry = (answer) => {
    const id = askedAhead.get(answer);
    if (id !== undefined && pending.has(id)) worker.postMessage({ type: TO_WORKER.hurry, id });
  };
  /**
   * Let the worker fetch a flow while the runtime is still starting (no answer expected); `rev`
   * (the page's data-flow-rev) makes it fetch exactly this build's flow JSON.
   *
   * @type {EngineClient["preload"]}
   */
  const preload = (flow, rev) => worker.postMessage({ type: TO_WORKER.loadFlow, flow, rev });
  return { ready, request, hurry, preload };
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
  if (!canRunEngine()) {
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
