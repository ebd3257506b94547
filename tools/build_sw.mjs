// Writes the site's service worker (sw.js) with Workbox, after MkDocs has written the site.
//
// Usage: node tools/build_sw.mjs SITE_DIR
//
// Why this shape:
// - Workbox (workbox-build, pinned in package.json) does the hard parts: precache manifest with
//   content revisions, routing, strategies. `inlineWorkboxRuntime` bundles the Workbox runtime
//   into sw.js itself, so the worker imports nothing from a CDN (checked below).
// - Reading pages and their assets are precached: after one visit the guide reads offline.
// - The Pyodide runtime, the engine wheel and the flow JSON are NOT precached (phones pay for
//   data): they are cached on first use, when the algorithm page's walker fetches them, and
//   once the walker has run the page asks the worker to fetch whatever the first visit fetched
//   before the worker was in control (sw-extras.js, web/sw-register.mjs).
// - Every cache name carries a version, so clinical content never goes stale silently: a new
//   build means a new sw.js, which the page offers to the reader (web/sw-register.mjs).
// - Nothing this worker caches comes from the browser's HTTP cache unchecked: GitHub Pages sends
//   `Cache-Control: max-age=600`, so a plain fetch right after a deploy may return the previous
//   build's file, which the new build's caches would then keep until the next deploy. Workbox's
//   precache already fetches with `cache: "reload"`; every other fetch here revalidates with the
//   server (`cache: "no-cache"`: a 304 costs no download when nothing changed), and the flow JSON
//   is fetched under its revision (`<id>.json?v=<sha>`, the same URL the page's walker uses).
//   The Pyodide runtime's cache is versioned by the runtime's own content hash, so a content-only
//   deploy does not make phones download 13 MB again.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import process from "node:process";

import { generateSW } from "workbox-build";

/** Prefix of every cache this site owns; caches with it but not of this build are deleted. */
const CACHE_PREFIX = "bsg-";

/** The runtime files of Pyodide itself (same bytes for every build with the same Pyodide). */
const PYODIDE_RUNTIME_FILES = [
  "pyodide.mjs",
  "pyodide.asm.mjs",
  "pyodide.asm.wasm",
  "python_stdlib.zip",
];

/** Folder names under algorithm/ that are pages of their own, not step tokens. */
const ALGORITHM_PAGE_NAMES = new Set(["outline", "diagram", "review"]);

/** Files this script writes: they must not feed the build id or the precache manifest. */
const GENERATED_FILES = new Set(["sw.js", "sw-extras.js"]);

function listFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listFiles(path));
    else found.push(path);
  }
  return found;
}

function toUrlPath(siteDir, path) {
  return relative(siteDir, path).split(sep).join("/");
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** A short hash of every file's path and bytes: identical sites get identical service workers. */
function contentHash(siteDir, paths) {
  const hash = createHash("sha256");
  for (const path of [...paths].sort()) {
    hash.update(`${toUrlPath(siteDir, path)}\0${sha256(readFileSync(path))}\n`);
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * Static step pages (algorithm/TOKEN/ or algorithm/FLOW/TOKEN/) are many and each reader needs
 * few of them: they are cached when visited instead of precached. Flow start pages, outlines,
 * diagrams and the review tables are precached like reading pages.
 */
function isStepPage(urlPath, flowIds) {
  const parts = urlPath.split("/");
  if (parts[0] !== "algorithm" || parts.at(-1) !== "index.html") return false;
  const folders = parts.slice(1, -1);
  if (folders.length === 0) return false;
  if (folders.length === 1) {
    return !flowIds.has(folders[0]) && !ALGORITHM_PAGE_NAMES.has(folders[0]);
  }
  const [flow, page] = folders;
  return !(folders.length === 2 && flowIds.has(flow) && ALGORITHM_PAGE_NAMES.has(page));
}

/**
 * The code of a small script imported by sw.js, the site's own additions to Workbox:
 * - on activation, delete this site's caches of older builds (all but `keepPrefixes`);
 * - on a page's KEEP_ALGORITHM message, put each of `runtimeCaches` (URL path -> cache name, the
 *   caches that Workbox's routes below read) in its cache unless it is there: fetched by the
 *   worker, mostly from the HTTP cache, so the page's main thread never handles the 13 MB.
 *   Replies {ok} on the message's port;
 * - `self.algorithmWorksOffline(pageUrl)`: whether everything the walker needs for the flow of a
 *   step page is in this build's caches (read by stepPageOfflineFallback). `flowFolders`: the
 *   flows with a folder of their own under algorithm/ (all but the main flow).
 */
function extrasScript(keepPrefixes, runtimeCaches, flowFolders) {
  return `// Generated by tools/build_sw.mjs: this site's additions to the Workbox service worker.
self.addEventListener("activate", (event) => {
  const keep = ${JSON.stringify(keepPrefixes)};
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith(${JSON.stringify(CACHE_PREFIX)}))
          .filter((name) => !keep.some((prefix) => name.startsWith(prefix)))
          .map((name) => caches.delete(name)),
      ),
    ),
  );
});

const ALGORITHM_FILES = ${JSON.stringify(runtimeCaches, null, 1)};

async function keepAlgorithm() {
  for (const [path, cacheName] of Object.entries(ALGORITHM_FILES)) {
    const url = new URL(path, self.registration.scope).href;
    const cache = await caches.open(cacheName);
    if (await cache.match(url)) continue;
    const response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(\`\${path}: HTTP \${response.status}\`);
    await cache.put(url, response);
  }
}

const FLOW_FOLDERS = ${JSON.stringify(flowFolders)};

self.algorithmWorksOffline = async (pageUrl) => {
  const scope = new URL(self.registration.scope).pathname;
  const parts = new URL(pageUrl).pathname.slice(scope.length).split("/").filter(Boolean);
  const flow = parts.length === 3 && FLOW_FOLDERS.includes(parts[1]) ? parts[1] : null;
  const needed = Object.entries(ALGORITHM_FILES).filter(([path]) => {
    if (!path.startsWith("assets/flows/")) return true;
    const id = path.slice("assets/flows/".length).split(".json")[0];
    return flow === null ? !FLOW_FOLDERS.includes(id) : id === flow;
  });
  for (const [path, cacheName] of needed) {
    const cache = await caches.open(cacheName);
    if (!(await cache.match(new URL(path, self.registration.scope).href))) return false;
  }
  return true;
};

self.addEventListener("message", (event) => {
  if (event.data?.type !== "KEEP_ALGORITHM") return;
  const reply = (message) => event.ports[0]?.postMessage(message);
  event.waitUntil(
    keepAlgorithm().then(
      () => reply({ ok: true }),
      (error) => reply({ ok: false, error: String(error) }),
    ),
  );
});
`;
}

/**
 * Fetches of the runtime routes revalidate with the server (see the top). Workbox applies
 * `fetchOptions` to every request but navigations, whose mode cannot be set: for those, this
 * plugin makes a same-URL request that revalidates. Serialised into sw.js like the plugin below.
 */
const revalidateNavigations = {
  requestWillFetch: async ({ request }) =>
    request.mode === "navigate"
      ? new Request(request, { cache: "no-cache", mode: "same-origin" })
      : request,
};
const FRESH = { cache: "no-cache" };

/**
 * When a step page was never visited and the network is off:
 * - if the interactive algorithm can run offline (its runtime, this build's engine files and the
 *   flow's JSON are cached: sw-extras.js), send the reader to the flow's start page with the answers in the fragment (the
 *   share-link form); the walker restores them;
 * - if not, say so on a small page of its own, with links to what does work offline. Sending
 *   the reader to the start page then would show step 1 for every answer link they follow.
 * Other pages under algorithm/ (outline, diagram, review) have no such fallback.
 * Workbox serialises this plugin into sw.js, so it must not use any outside variable.
 */
const stepPageOfflineFallback = {
  handlerDidError: async ({ request }) => {
    const url = new URL(request.url);
    const token = url.pathname.split("/").filter(Boolean).at(-1);
    if (["algorithm", "outline", "diagram", "review"].includes(token)) return undefined;
    const site = self.registration.scope;
    // Defined in sw-extras.js (imported by sw.js), which knows this build's files.
    if (await self.algorithmWorksOffline?.(request.url)) {
      return Response.redirect(new URL(`../#${token}`, url).href, 302);
    }
    const page = `<!doctype html>
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
<li><a href="${new URL(".", site).pathname}">The guide's home page</a></li></ul>
</main></body></html>`;
    return new Response(page, {
      status: 503,
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
    });
  },
};

/**
 * A flow JSON file's URL as the walker fetches it: `<id>.json?v=<revision>`, the revision being
 * the first 12 hex digits of the file's sha256 (build_site.py's flow_revision). Other paths as
 * they are.
 */
function flowJsonUrl(siteDir, urlPath) {
  if (!(urlPath.startsWith("assets/flows/") && urlPath.endsWith(".json"))) return urlPath;
  return `${urlPath}?v=${sha256(readFileSync(join(siteDir, urlPath))).slice(0, 12)}`;
}

async function main() {
  const siteDir = process.argv[2];
  if (!siteDir) {
    console.error("usage: node tools/build_sw.mjs SITE_DIR");
    process.exit(2);
  }
  const allFiles = listFiles(siteDir).filter(
    (path) => !GENERATED_FILES.has(toUrlPath(siteDir, path)),
  );
  const urlPaths = allFiles.map((path) => toUrlPath(siteDir, path));
  const flowIds = new Set(
    urlPaths
      .filter((p) => p.startsWith("assets/flows/") && p.endsWith(".json"))
      .map((p) => p.slice("assets/flows/".length, -".json".length)),
  );
  const buildId = contentHash(siteDir, allFiles);
  const runtimeId = contentHash(
    siteDir,
    PYODIDE_RUNTIME_FILES.map((name) => join(siteDir, "assets", "pyodide", name)).filter((path) =>
      allFiles.includes(path),
    ),
  );
  const buildPrefix = `${CACHE_PREFIX}${buildId}`;
  const runtimeCache = `${CACHE_PREFIX}pyodide-${runtimeId}`;
  const stepPages = urlPaths.filter((p) => isStepPage(p, flowIds));

  const engineCache = `${buildPrefix}-engine`;
  // What the algorithm needs offline, and the cache each goes in (as Workbox's routes below).
  const isPyodideRuntime = (p) =>
    PYODIDE_RUNTIME_FILES.some((name) => p === `assets/pyodide/${name}`);
  const algorithmFiles = Object.fromEntries(
    urlPaths
      .filter(
        (p) =>
          isPyodideRuntime(p) ||
          (p.startsWith("assets/pyodide/") &&
            (p.endsWith(".whl") || p.endsWith("/pyodide-lock.json"))) ||
          (p.startsWith("assets/flows/") && p.endsWith(".json")),
      )
      .sort()
      .map((p) => [flowJsonUrl(siteDir, p), isPyodideRuntime(p) ? runtimeCache : engineCache]),
  );
  writeFileSync(
    join(siteDir, "sw-extras.js"),
    extrasScript(
      [`${buildPrefix}-`, runtimeCache],
      algorithmFiles,
      [...flowIds].filter((id) => urlPaths.includes(`algorithm/${id}/index.html`)).sort(),
    ),
  );

  const { count, size, warnings } = await generateSW({
    globDirectory: siteDir,
    globPatterns: ["**/*.{html,css,js,mjs,json,svg,png,jpg,ico,webmanifest,woff2}"],
    globIgnores: [
      ...GENERATED_FILES,
      "assets/site-manifest.json",
      "assets/pyodide/**",
      "assets/flows/**",
      // Material ships stemmers for every language; only English is used.
      "assets/javascripts/lunr/**",
      // Pages for reviewers and flow authors, not for the bedside: cached when visited.
      "algorithm/review/**",
      "authoring/**",
      "**/*.map",
      ...stepPages,
    ],
    swDest: join(siteDir, "sw.js"),
    mode: "production",
    inlineWorkboxRuntime: true,
    sourcemap: false,
    babelPresetEnvTargets: ["chrome >= 100", "firefox >= 100", "safari >= 15"],
    cacheId: buildPrefix,
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    // The new version waits until the reader accepts it (the page posts SKIP_WAITING).
    skipWaiting: false,
    importScripts: [`sw-extras.js?build=${buildId}`],
    directoryIndex: "index.html",
    // Material's fingerprinted assets (main.57a0d79d.min.css) never change under one name, so
    // the precache may take them from the HTTP cache instead of downloading them again.
    dontCacheBustURLsMatching: /\.[0-9a-f]{8}\.min\.(css|js)$/,
    // A query string never changes a page here (Material's search adds ?h=term): ignore it.
    ignoreURLParametersMatching: [/.*/],
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
    runtimeCaching: [
      {
        // The Pyodide runtime: large and immutable for a given Pyodide, fetched on first use.
        urlPattern: new RegExp(`/assets/pyodide/(${PYODIDE_RUNTIME_FILES.join("|").replaceAll(".", "\\.")})$`),
        handler: "CacheFirst",
        options: {
          cacheName: runtimeCache,
          cacheableResponse: { statuses: [200] },
          fetchOptions: FRESH,
        },
      },
      {
        // The engine wheel, its lock file and the flow JSON: small, change with each build.
        urlPattern: /\/assets\/(pyodide|flows)\//,
        handler: "CacheFirst",
        options: {
          cacheName: engineCache,
          cacheableResponse: { statuses: [200] },
          fetchOptions: FRESH,
        },
      },
      {
        // Static step pages: fresh from the network when online, from the cache when not.
        urlPattern: ({ request, url }) =>
          request.mode === "navigate" && url.pathname.includes("/algorithm/"),
        handler: "NetworkFirst",
        options: {
          cacheName: `${buildPrefix}-steps`,
          networkTimeoutSeconds: 5,
          cacheableResponse: { statuses: [200] },
          fetchOptions: FRESH,
          plugins: [revalidateNavigations, stepPageOfflineFallback],
        },
      },
      {
        // Anything else of this site (for example a search language file): kept once used.
        urlPattern: ({ url, sameOrigin }) => sameOrigin && !url.pathname.endsWith("/sw.js"),
        handler: "StaleWhileRevalidate",
        options: {
          cacheName: `${buildPrefix}-other`,
          cacheableResponse: { statuses: [200] },
          fetchOptions: FRESH,
          plugins: [revalidateNavigations],
        },
      },
    ],
  });
  for (const warning of warnings) console.error(`build_sw: warning: ${warning}`);

  const swCode = readFileSync(join(siteDir, "sw.js"), "utf8");
  const thirdParty = swCode.match(/\b(importScripts|fetch)\(\s*["'`]https?:/);
  if (thirdParty) {
    console.error(`build_sw: sw.js would fetch from another site: ${thirdParty[0]}`);
    process.exit(1);
  }
  console.log(
    `build_sw: sw.js for build ${buildId}: precached ${count} files (${Math.round(size / 1024)} KiB); ` +
      `${stepPages.length} step pages and the Pyodide runtime are cached on first use`,
  );
}

await main();
