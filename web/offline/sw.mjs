// The site's service worker: the source of sw.js. tools/build_sw.mjs bundles it with the Workbox
// modules it imports (rollup, from node_modules: nothing is fetched from a CDN), puts this
// build's facts in place of `__SITE_CONFIG__` (read from assets/site-manifest.json) and the
// precache manifest in place of `self.__WB_MANIFEST` (Workbox `injectManifest`).
//
// What it does (see tools/build_sw.mjs for why):
// - precaches the reading pages and their assets: after one visit the guide reads offline;
// - caches the Pyodide runtime, the engine files and the flow JSON on first use (phones pay for
//   data), each in a cache named by what it holds: Pyodide's own files and the precompiled
//   standard library under their own content hash (an engine edit or a content-only deploy does
//   not make readers download the 9.6 MB WebAssembly again), the rest under this build's id;
// - on a page's KEEP_ALGORITHM message, fetches whatever of the algorithm's files is not cached
//   yet (web/sw-register.mjs), replying {ok} on the message's port;
// - caches static step pages when visited, and when one was never visited offline either sends
//   the reader to the flow's start page with the answers in the fragment (if the walker can run
//   offline) or says so on a small page of its own;
// - deletes this site's caches of older builds on activation; the new version waits until the
//   reader accepts it (the page posts SKIP_WAITING).
// Every fetch that is not a precache revalidates with the server (`cache: "no-cache"`): GitHub
// Pages sends max-age=600, and a copy from the HTTP cache may be the previous build's.

import { CacheableResponsePlugin } from "workbox-cacheable-response";
import { clientsClaim, setCacheNameDetails } from "workbox-core";
import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { CacheFirst, NetworkFirst, StaleWhileRevalidate } from "workbox-strategies";

/**
 * This build's facts, written in by tools/build_sw.mjs.
 * @typedef {{
 *   cachePrefix: string,
 *   buildPrefix: string,
 *   keepPrefixes: string[],
 *   engineCache: string,
 *   algorithmFiles: Record<string, string>,
 *   contentCaches: Record<string, string>,
 *   engineFolders: string[],
 *   algorithmFolder: string,
 *   flows: {id: string, base: string, json: string}[],
 *   notSteps: string[],
 * }} SiteConfig
 */
const SITE = /** @type {SiteConfig} */ (__SITE_CONFIG__);

/** The worker's own global scope (TypeScript's lib types `self` as any worker's). */
const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** @type {RequestInit} */
const FRESH = { cache: "no-cache" };
const OK_ONLY = () => new CacheableResponsePlugin({ statuses: [200] });

/** The site's root path (the worker's scope), e.g. "/" or "/guide/". */
const scopePath = () => new URL(worker.registration.scope).pathname;

/**
 * A URL of this site, relative to its root ("assets/pyodide/x"), or null for another site.
 *
 * @param {URL} url
 * @returns {string | null}
 */
function sitePath(url) {
  if (url.origin !== self.location.origin) return null;
  const scope = scopePath();
  return url.pathname.startsWith(scope) ? url.pathname.slice(scope.length) : null;
}

setCacheNameDetails({ prefix: SITE.buildPrefix });
clientsClaim();
worker.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") worker.skipWaiting();
});

// A query string never changes a page here (Material's search adds ?h=term): ignore it.
precacheAndRoute(self.__WB_MANIFEST, {
  directoryIndex: "index.html",
  ignoreURLParametersMatching: [/.*/],
});
cleanupOutdatedCaches();

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith(SITE.cachePrefix))
          .filter((name) => !SITE.keepPrefixes.some((prefix) => name.startsWith(prefix)))
          .map((name) => caches.delete(name)),
      ),
    ),
  );
});

/**
 * Fetches of the runtime routes revalidate with the server. Workbox applies `fetchOptions` to
 * every request but navigations, whose mode cannot be set: for those, this plugin makes a
 * same-URL request that revalidates.
 */
/** @type {import("workbox-core").WorkboxPlugin} */
const revalidateNavigations = {
  requestWillFetch: async ({ request }) =>
    request.mode === "navigate"
      ? new Request(request, { cache: "no-cache", mode: "same-origin" })
      : request,
};

/**
 * The flow a page of the algorithm belongs to: the one whose folder is the longest prefix.
 *
 * @param {string} path
 */
function flowOfPage(path) {
  /** @type {SiteConfig["flows"][number] | null} */
  let found = null;
  for (const flow of SITE.flows) {
    if (path.startsWith(flow.base) && (!found || flow.base.length > found.base.length)) {
      found = flow;
    }
  }
  return found;
}

/**
 * Whether everything the walker needs for the flow of a step page is in this build's caches:
 * the runtime, the engine files and that flow's JSON (not the other flows').
 *
 * @param {string} pageUrl
 */
async function algorithmWorksOffline(pageUrl) {
  const flow = flowOfPage(sitePath(new URL(pageUrl)) ?? "");
  const otherFlows = SITE.flows.filter((other) => other !== flow).map((other) => other.json);
  const needed = Object.entries(SITE.algorithmFiles).filter(
    ([path]) => !otherFlows.includes(path.split("?")[0]),
  );
  for (const [path, cacheName] of needed) {
    const cache = await caches.open(cacheName);
    if (!(await cache.match(new URL(path, worker.registration.scope).href))) return false;
  }
  return true;
}

/** Put each of the algorithm's files in its cache unless it is there (KEEP_ALGORITHM). */
async function keepAlgorithm() {
  for (const [path, cacheName] of Object.entries(SITE.algorithmFiles)) {
    const url = new URL(path, worker.registration.scope).href;
    const cache = await caches.open(cacheName);
    if (await cache.match(url)) continue;
    const response = await fetch(url, FRESH);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    await cache.put(url, response);
  }
}

worker.addEventListener("message", (event) => {
  if (event.data?.type !== "KEEP_ALGORITHM") return;
  /** @param {{ok: boolean, error?: string}} message */
  const reply = (message) => event.ports[0]?.postMessage(message);
  event.waitUntil(
    keepAlgorithm().then(
      () => reply({ ok: true }),
      (error) => reply({ ok: false, error: String(error) }),
    ),
  );
});

const OFFLINE_STEP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>This step is not saved for offline use</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body><main>
<h1>This step is not saved for offline use</h1>
<p>You are offline. This step of the algorithm was not opened on this device while online, and
the interactive algorithm is not saved on this device yet (it is kept once the algorithm has
been used while online), so this step cannot be shown now.</p>
<p>What works offline: the reading pages of the guide, and the steps of the algorithm you opened
before. Everything else comes back when you are online again: reload this page then.</p>
<ul><li><a href="../">The first step of the algorithm</a></li>
<li><a href="HOME">The guide's home page</a></li></ul>
</main></body></html>`;

/**
 * When a step page was never visited and the network is off: if the interactive algorithm can
 * run offline, send the reader to the flow's start page with the answers in the fragment (the
 * share-link form; the walker restores them); if not, say so on a small page of its own, with
 * links to what does work offline (the start page would show step 1 for every answer link).
 * Other pages under the algorithm (outline, diagram, review) have no such fallback.
 */
/** @type {import("workbox-core").WorkboxPlugin} */
const stepPageOfflineFallback = {
  handlerDidError: async ({ request }) => {
    const url = new URL(request.url);
    const token = url.pathname.split("/").filter(Boolean).at(-1) ?? "";
    if (SITE.notSteps.includes(token)) return undefined;
    if (await algorithmWorksOffline(request.url)) {
      return Response.redirect(new URL(`../#${token}`, url).href, 302);
    }
    return new Response(OFFLINE_STEP_PAGE.replace("HOME", scopePath()), {
      status: 503,
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
    });
  },
};

// Files cached under a name made from their own content (the Pyodide runtime, the standard
// library): large, and the same across builds that do not change them.
const contentStrategies = new Map(
  Object.entries(SITE.contentCaches).map(([path, cacheName]) => [
    path,
    new CacheFirst({ cacheName, plugins: [OK_ONLY()], fetchOptions: FRESH }),
  ]),
);
for (const [path, strategy] of contentStrategies) {
  registerRoute(({ url }) => sitePath(url) === path, strategy);
}

// The engine's lock file, the fallback archives and the flow JSON: small, change with each build.
registerRoute(
  ({ url }) => SITE.engineFolders.some((folder) => sitePath(url)?.startsWith(folder)),
  new CacheFirst({ cacheName: SITE.engineCache, plugins: [OK_ONLY()], fetchOptions: FRESH }),
);

// Static step pages: fresh from the network when online, from the cache when not.
registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" && (sitePath(url)?.startsWith(SITE.algorithmFolder) ?? false),
  new NetworkFirst({
    cacheName: `${SITE.buildPrefix}-steps`,
    networkTimeoutSeconds: 5,
    fetchOptions: FRESH,
    plugins: [OK_ONLY(), revalidateNavigations, stepPageOfflineFallback],
  }),
);

// Anything else of this site (for example a search language file): kept once used.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && !url.pathname.endsWith("/sw.js"),
  new StaleWhileRevalidate({
    cacheName: `${SITE.buildPrefix}-other`,
    fetchOptions: FRESH,
    plugins: [OK_ONLY(), revalidateNavigations],
  }),
);
