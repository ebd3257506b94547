// Program: the engine worker (a module Web Worker). Owns the engine's home in the browser:
// Pyodide, run off the main thread.
//
// Served from /assets/walker/worker.mjs. It loads the vendored runtime from /assets/pyodide/
// (Pyodide's WebAssembly module as zstd, unpacked as it arrives by web/zstd-stream.mjs),
// whose slim python_stdlib.zip.gz holds, as bytecode, exactly the standard-library and engine
// modules a walk imports (tools/compile_runtime.py; no wheel, no package loader, a site-local
// pyodide-lock.json listing no package), installs the fallback that fetches any other module
// from the site on demand (tools/site_fallback.py), and then answers one kind of message:
//
//   main -> worker  {id, request, ahead}   request: a plain object for engine.bridge.handle;
//                                          ahead: asked before the reader asked (answered after
//                                          every other request, see answerNext below)
//                   {type: "hurry", id}    the reader now waits for that request asked ahead
//                   {type: "load-flow", flow, rev}  fetch that flow now, while the runtime starts
//                                          (rev: the page's data-flow-rev, names its build's JSON);
//                                          answered with a progress message
//   worker -> main  {id, response}         response: the plain object the bridge returned
//                   {id, error}            the request could not be answered (message text)
//                   {type: "ready"}        once, when the engine is imported and working
//                   {type: "failed", reason}  once, if start-up failed (the page stays static)
//                   {type: "progress", loaded, total}  while the runtime downloads: gzip bytes
//                                          as a host sends them (estimated from the bytes
//                                          received and runtime-sizes.mjs), for web/loading.mjs
//
// The message types and patterns are engine/contract.py's (web/contract.mjs). Only JSON strings
// cross into Python: no engine objects, no proxies to leak.

// @ts-expect-error: served beside this folder (assets/pyodide/), typed as the package's below
import { loadPyodide as untypedLoadPyodide } from "../pyodide/pyodide.mjs";
import { FLOW_ID_PATTERN, FLOW_REV_PATTERN, FROM_WORKER, TO_WORKER } from "./contract.mjs";
import { LAYOUT, SITE_ROOT } from "./layout.mjs";
import { fill } from "./links.mjs";
// @ts-expect-error: written by the build (build_site.py), typed below
import { RUNTIME_SIZES as untypedSizes } from "./runtime-sizes.mjs";
import { unzstd } from "./zstd-stream.mjs";

/** @type {typeof import("pyodide").loadPyodide} */
const loadPyodide = untypedLoadPyodide;
/** @type {Record<string, [number, number]>} file name -> [bytes, bytes as a host sends them] */
const RUNTIME_SIZES = untypedSizes;

/**
 * The text of an error, whatever was thrown.
 *
 * @param {unknown} error
 * @returns {string}
 */
function errorText(error) {
  return String(/** @type {{message?: unknown} | null} */ (error)?.message ?? error);
}

const PYODIDE_URL = new URL(LAYOUT.pyodide_dir, SITE_ROOT).href;
/** The slim standard library: a zip, gzipped as one file (tools/compile_runtime.py). */
const STDLIB_URL = new URL(LAYOUT.stdlib, SITE_ROOT).href;
const STDLIB_NAME = LAYOUT.stdlib.split("/").pop();
/** Pyodide's WebAssembly module as the site ships it: zstd (sitebuild/recompress.py, issue 17). */
const WASM_URL = new URL(LAYOUT.wasm, SITE_ROOT).href;
const WASM_NAME = LAYOUT.wasm.split("/").pop() ?? "";
/** The name Pyodide asks for; the worker fetches WASM_URL instead and unpacks it. */
const PYODIDE_WASM_NAME = "pyodide.asm.wasm";

/**
 * Pyodide gets the standard library's zip unpacked from its gzip as it arrives (it is sent as a
 * plain file: gzip across its modules is smaller than the zip's own compression, issue 17). A
 * host that sent it with a Content-Encoding has unpacked it already.
 *
 * @param {string} name
 * @param {Response} response
 * @returns {Response}
 */
function unpacked(name, response) {
  if (name !== STDLIB_NAME || !response.ok || !response.body) return response;
  if (response.headers.has("Content-Encoding")) return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip")), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * The WebAssembly module unpacked from its zstd as it arrives, as a Response that
 * compileStreaming compiles while it streams (it needs the application/wasm type). A corrupt or
 * cut-off file makes the decoder throw: the compile fails, and with it the start (wasmFailed
 * below), with the decoder's message (compileStreaming's own says only that reading failed).
 *
 * @param {Response} response the .zst file's response
 * @param {(error: unknown) => void} onError told the decoder's error
 * @returns {Response}
 */
function unpackedWasm(response, onError) {
  if (!response.ok || !response.body) return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  headers.set("Content-Type", "application/wasm");
  return new Response(unzstd(response.body, onError), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Pyodide only logs a failed download or compile of its WebAssembly module, and then waits
 * forever. Watching the two WebAssembly entry points it uses turns that into a prompt failure
 * (the page would otherwise wait for its watchdog). Pyodide's instantiateStreaming of its
 * module gets the one this worker compiles from its start (wasmModule, below) instead.
 */
/** @type {Promise<never>} */
const wasmFailed = new Promise((_, reject) => {
  const wasm = /** @type {Record<string, (...args: unknown[]) => Promise<unknown>>} */ (
    /** @type {unknown} */ (WebAssembly)
  );
  const fail = (/** @type {unknown} */ error) => {
    reject(new Error(`the Python runtime could not be loaded: ${error}`));
    throw error;
  };
  const instantiate = wasm.instantiate;
  wasm.instantiate = (...args) => instantiate.apply(WebAssembly, args).catch(fail);
  const instantiateStreaming = wasm.instantiateStreaming;
  wasm.instantiateStreaming = async (source, imports) => {
    if ((await source) !== WASM_STAND_IN) {
      return instantiateStreaming.call(WebAssembly, source, imports).catch(fail);
    }
    const module = await wasmModule.catch(fail);
    const instance = await WebAssembly.instantiate(
      module,
      /** @type {WebAssembly.Imports} */ (imports),
    ).catch(fail);
    return { module, instance };
  };
});

/**
 * Counts the runtime's bytes as they arrive and posts progress (web/loading.mjs shows it). The
 * body the browser hands over is decompressed (a host's gzip) or not (the .zst module, counted
 * before the worker unpacks it); each file's share of what a host sent is counted
 * (runtime-sizes.mjs, written by the build). pyodide.asm.mjs, a module import, is counted by
 * the download that fills the HTTP cache for it (earlyDownloads, below).
 */
const originalFetch = globalThis.fetch.bind(globalThis);
const progress = { received: new Map(), total: 0, lastPost: 0 };
for (const [, gzipped] of Object.values(RUNTIME_SIZES)) progress.total += gzipped;
// Imported above, so arrived before this runs.
for (const name of ["pyodide.mjs", "zstddec-stream.mjs"]) {
  progress.received.set(name, RUNTIME_SIZES[name]?.[1] ?? 0);
}

function postProgress(force = false) {
  const now = Date.now();
  if (!force && now - progress.lastPost < 100) return;
  progress.lastPost = now;
  let loaded = 0;
  for (const value of progress.received.values()) loaded += value;
  postMessage({ type: FROM_WORKER.progress, loaded: Math.round(loaded), total: progress.total });
}

/**
 * The runtime's downloads, started as this worker starts (issue 17): Pyodide would ask for them
 * one after another (pyodide.asm.mjs, then the lock file, the WebAssembly and the standard
 * library), 150 ms a hop on a slow line. The page does not preload them: a 3 MB download
 * begun before its first paint counts against that paint in Lighthouse's simulation.
 * pyodide.asm.mjs is imported, not fetched: this request only fills the HTTP cache, which the
 * import then reads (one download: tests/runtime/test_wire.py).
 */
const LOCK_URL = new URL("pyodide-lock.json", PYODIDE_URL).href;
/** @type {Map<string, Promise<Response>>} */
const earlyDownloads = new Map([STDLIB_URL, LOCK_URL].map((url) => [url, originalFetch(url)]));
/**
 * Pyodide's WebAssembly module, downloaded, unpacked and compiled from this worker's start, as
 * it arrives: Pyodide itself would begin to compile it only once its 1.2 MB pyodide.asm.mjs is
 * loaded and run, about 250 ms later on a desktop, and unpacking and compiling take as long
 * again (issue 17). Pyodide's own request for it gets WASM_STAND_IN, and its instantiateStreaming
 * of that, this module (wasmFailed, above).
 */
const wasmModule = originalFetch(WASM_URL).then((response) => {
  if (!response.ok) throw new Error(`${WASM_NAME}: HTTP ${response.status}`);
  /** @type {unknown} */
  let unpackError;
  const unpacked = unpackedWasm(counted(WASM_NAME, response), (error) => {
    unpackError = error;
  });
  return WebAssembly.compileStreaming(unpacked).catch((error) => {
    throw unpackError ?? error;
  });
});
wasmModule.catch(() => {}); // reported by wasmFailed, once Pyodide asks for the module
const WASM_STAND_IN = new Response(null, { headers: { "Content-Type": "application/wasm" } });
originalFetch(new URL("pyodide.asm.mjs", PYODIDE_URL).href)
  .then((response) => counted("pyodide.asm.mjs", response).body?.pipeTo(new WritableStream()))
  .catch(() => {}); // the import asks again, and fails with the reason

/**
 * A runtime download begun at start, handed over once; any other request as asked.
 *
 * @param {string} url
 * @param {RequestInit | undefined} init
 * @returns {Promise<Response>}
 */
function download(url, init) {
  const early = earlyDownloads.get(url);
  earlyDownloads.delete(url);
  return early ?? originalFetch(url, init);
}

/** @type {typeof fetch} */
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
  const name = url.pathname.split("/").pop() ?? "";
  if (name === PYODIDE_WASM_NAME) {
    // Pyodide asks for the stock module: the one compiling since the start stands in for it.
    return WASM_STAND_IN;
  }
  if (input instanceof Request)
    return unpacked(name, counted(name, await originalFetch(input, init)));
  return unpacked(name, counted(name, await download(url.href, init)));
};

/**
 * The response, its bytes counted as they arrive: a runtime file's share of what a host sent
 * (runtime-sizes.mjs), or a flow's JSON (no size known) as arriving, not in MB.
 *
 * @param {string} name
 * @param {Response} response
 * @returns {Response}
 */
function counted(name, response) {
  const sizes = RUNTIME_SIZES[name];
  if (!response.ok || !response.body) return response;
  if (!sizes) return withProgress(response);
  const [raw, gzipped] = sizes;
  let seen = 0;
  const counter = new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      progress.received.set(name, (Math.min(seen, raw) / raw) * gzipped);
      postProgress();
      controller.enqueue(chunk);
    },
    flush() {
      progress.received.set(name, gzipped);
      postProgress(true);
    },
  });
  return new Response(response.body.pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The response, with a progress message posted as its bytes arrive (at most every 100 ms): the
 * walker gives up no request while they do (engine-client.mjs).
 *
 * @param {Response} response
 * @returns {Response}
 */
function withProgress(response) {
  const counter = new TransformStream({
    transform(chunk, controller) {
      postProgress();
      controller.enqueue(chunk);
    },
  });
  return new Response(/** @type {ReadableStream} */ (response.body).pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Resolves to engine.bridge's `handle` and `add_flow`, or rejects with the reason. */
const engine = Promise.race([boot(), wasmFailed]);

/** Flow ids already handed to the bridge, each with the promise of its loading. */
const flowsLoaded = new Map();

/** Each flow's revision, from the page (load-flow): the URL of exactly its build's JSON. */
const flowRevisions = new Map();

async function boot() {
  const pyodide = await loadPyodide({ indexURL: PYODIDE_URL, stdLibURL: STDLIB_URL });
  let bridge;
  try {
    const fallback = pyodide.pyimport("_site_fallback");
    // Last on sys.meta_path: only a module the slim zip lacks reaches it.
    fallback.install(PYODIDE_URL);
    // The engine's dataclasses get their methods compiled at build time.
    fallback.use_dataclass_code();
    bridge = pyodide.pyimport("engine.bridge");
  } catch (error) {
    throw new Error(`engine did not load: ${error}`);
  }
  return { handle: bridge.handle, addFlow: bridge.add_flow };
}

/**
 * The flow's JSON text; fetched while the runtime is still starting, not after it. The URL
 * carries the page's revision of it, so an older build's copy in the HTTP cache is never used.
 *
 * @param {string} flowId
 * @returns {Promise<string>}
 */
async function fetchFlow(flowId) {
  if (!FLOW_ID_PATTERN.test(flowId)) throw new Error(`bad flow id ${flowId}`);
  const rev = flowRevisions.get(flowId);
  const path = fill(rev ? LAYOUT.flow_json_url : LAYOUT.flow_json, {
    flow: flowId,
    revision: rev ?? "",
  });
  const url = new URL(path, SITE_ROOT);
  const reply = await fetch(url);
  if (!reply.ok) throw new Error(`flow ${flowId}: HTTP ${reply.status}`);
  return reply.text();
}

/**
 * The flow handed to the bridge (fetched and added once; a failed load is tried again).
 *
 * @param {string} flowId
 * @returns {Promise<string>} the flow's id, once the bridge has it
 */
function loadFlow(flowId) {
  if (!flowsLoaded.has(flowId)) {
    // The page's revision names the JSON the build checked and proved: the bridge trusts
    // exactly that text (by its hash) and checks any other fully.
    const loading = Promise.all([engine, fetchFlow(flowId)]).then(([api, text]) =>
      api.addFlow(text, flowRevisions.get(flowId) ?? ""),
    );
    // A failed load may be retried by the next request (for example after a network blip).
    loading.catch(() => flowsLoaded.delete(flowId));
    flowsLoaded.set(flowId, loading);
  }
  return flowsLoaded.get(flowId);
}

engine.then(
  () => postMessage({ type: FROM_WORKER.ready }),
  (error) => postMessage({ type: FROM_WORKER.failed, reason: errorText(error) }),
);

self.addEventListener("message", (/** @type {MessageEvent} */ event) => {
  if (event.data.type === TO_WORKER.askProgress) {
    postProgress(true); // a walker that connects late (prefetch.mjs) learns where things are
    return;
  }
  if (event.data.type === TO_WORKER.loadFlow) {
    // A walker asks for its flow as it starts: it learns where the download is, even if the
    // last progress came before it could show it (the worker starts from the page's head).
    postProgress(true);
    if (FLOW_REV_PATTERN.test(event.data.rev ?? "")) {
      flowRevisions.set(event.data.flow, event.data.rev);
    }
    // Failures surface (and are retried) with the first real request for this flow.
    loadFlow(event.data.flow).catch(() => {});
    return;
  }
  if (event.data.type === TO_WORKER.hurry) {
    const job = waiting.find((each) => each.id === event.data.id);
    if (job) job.ahead = false;
    return;
  }
  const { id, request, ahead } = event.data;
  waiting.push({ id, request, ahead: ahead === true });
  answerNext();
});

/**
 * @typedef {object} Job a request waiting for the engine
 * @property {string} id
 * @property {import("./contract.mjs").BridgeRequest} request
 * @property {boolean} ahead asked before the reader asked for it (see answerNext)
 */

/** @type {Job[]} requests not yet answered, in the order they came */
const waiting = [];
let answering = false;

/**
 * Answer the waiting requests one at a time, each in a task of its own, the reader's own before
 * those asked ahead (the walker asks for the step behind every answer while the reader reads,
 * and an outcome takes the engine tens of milliseconds): a click waits at most for the one
 * request the engine is working on, never behind the others. Between two, the messages that
 * came meanwhile are read (a click's request, a "hurry").
 */
async function answerNext() {
  if (answering || waiting.length === 0) return;
  answering = true;
  const first = waiting.findIndex((job) => !job.ahead);
  const [{ id, request }] = waiting.splice(Math.max(first, 0), 1);
  try {
    await loadFlow(request.flow);
    const api = await engine;
    const response = JSON.parse(api.handle(JSON.stringify(request)));
    postMessage({ id, response });
  } catch (error) {
    postMessage({ id, error: errorText(error) });
  }
  setTimeout(() => {
    answering = false;
    answerNext();
  }, 0);
}
