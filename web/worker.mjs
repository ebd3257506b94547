// The engine's home in the browser: a module Web Worker that runs Pyodide off the main thread.
//
// Served from /assets/walker/worker.mjs. It loads the vendored runtime from /assets/pyodide/
// (whose pyodide-lock.json is the site-local one listing the engine wheel) together with the
// engine by package name (sha256-checked against the lock file), and then answers one kind of
// message:
//
//   main -> worker  {id, request}          request: a plain object for engine.bridge.handle
//                   {type: "load-flow", flow, rev}  fetch that flow now, while the runtime starts
//                                          (rev: the page's data-flow-rev, names its build's JSON)
//   worker -> main  {id, response}         response: the plain object the bridge returned
//                   {id, error}            the request could not be answered (message text)
//                   {type: "ready"}        once, when the engine is imported and working
//                   {type: "failed", reason}  once, if start-up failed (the page stays static)
//
// Only JSON strings cross into Python: no engine objects, no proxies to leak.

import { loadPyodide } from "../pyodide/pyodide.mjs";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const FLOWS_URL = new URL("../flows/", import.meta.url).href;

/**
 * Pyodide only logs a failed download or compile of its WebAssembly module, and then waits
 * forever. Watching the two WebAssembly entry points it uses turns that into a prompt failure
 * (the page would otherwise wait for its watchdog).
 */
const wasmFailed = new Promise((_, reject) => {
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = (...args) =>
      original.apply(WebAssembly, args).catch((error) => {
        reject(new Error(`the Python runtime could not be loaded: ${error}`));
        throw error;
      });
  }
});

/** Resolves to engine.bridge's `handle` and `add_flow`, or rejects with the reason. */
const engine = Promise.race([boot(), wasmFailed]);

/** Flow ids already handed to the bridge, each with the promise of its loading. */
const flowsLoaded = new Map();

/** Each flow's revision, from the page (load-flow): the URL of exactly its build's JSON. */
const flowRevisions = new Map();

async function boot() {
  // `packages`: the wheels download while the runtime starts, not after it. Pyodide checks each
  // against its sha256 in the site-local lock file, and only logs a failure: importing proves
  // that it worked.
  const pyodide = await loadPyodide({ indexURL: PYODIDE_URL, packages: ["back-spasm-engine"] });
  let bridge;
  try {
    bridge = pyodide.pyimport("engine.bridge");
  } catch (error) {
    throw new Error(`engine did not load: ${error}`);
  }
  return { handle: bridge.handle, addFlow: bridge.add_flow };
}

/**
 * The flow's JSON text; fetched while the runtime is still starting, not after it. The URL
 * carries the page's revision of it, so an older build's copy in the HTTP cache is never used.
 */
async function fetchFlow(flowId) {
  if (!/^[a-z0-9-]+$/.test(flowId)) throw new Error(`bad flow id ${flowId}`);
  const url = new URL(`${flowId}.json`, FLOWS_URL);
  const rev = flowRevisions.get(flowId);
  if (rev) url.search = `v=${rev}`;
  const reply = await fetch(url);
  if (!reply.ok) throw new Error(`flow ${flowId}: HTTP ${reply.status}`);
  return reply.text();
}

function loadFlow(flowId) {
  if (!flowsLoaded.has(flowId)) {
    const loading = Promise.all([engine, fetchFlow(flowId)]).then(([api, text]) =>
      api.addFlow(text),
    );
    // A failed load may be retried by the next request (for example after a network blip).
    loading.catch(() => flowsLoaded.delete(flowId));
    flowsLoaded.set(flowId, loading);
  }
  return flowsLoaded.get(flowId);
}

engine.then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "failed", reason: String(error?.message ?? error) }),
);

self.addEventListener("message", async (event) => {
  if (event.data.type === "load-flow") {
    if (/^[0-9a-f]{1,64}$/.test(event.data.rev ?? "")) {
      flowRevisions.set(event.data.flow, event.data.rev);
    }
    // Failures surface (and are retried) with the first real request for this flow.
    loadFlow(event.data.flow).catch(() => {});
    return;
  }
  const { id, request } = event.data;
  try {
    await loadFlow(request.flow);
    const api = await engine;
    const response = JSON.parse(api.handle(JSON.stringify(request)));
    postMessage({ id, response });
  } catch (error) {
    postMessage({ id, error: String(error?.message ?? error) });
  }
});
