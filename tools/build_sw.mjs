// Writes the site's service worker (sw.js) after the build has written the site.
//
// Usage: node tools/build_sw.mjs SITE_DIR
//
// Why this shape:
// - The worker's code is a real source file, web/offline/sw.mjs, importing Workbox's modules
//   (pinned in package.json). Rollup bundles it with them into one file, so the worker imports
//   nothing from a CDN (checked below); Workbox's `injectManifest` then writes the precache
//   manifest (every file's content revision) into it.
// - Everything this script knows about the site comes from the build's site manifest
//   (assets/site-manifest.json, sitebuild/manifest.py): the flows and their step pages, the
//   runtime files with their hashes and cache groups, the URL layout. Nothing is re-derived here.
// - Reading pages and their assets are precached: after one visit the guide reads offline.
// - The Pyodide runtime, the engine files and the flow JSON are NOT precached (phones pay for
//   data): they are cached on first use, when the algorithm page's walker fetches them, and
//   once the walker has run the page asks the worker to fetch whatever the first visit fetched
//   before the worker was in control (KEEP_ALGORITHM, web/sw-register.mjs).
// - Every cache name carries a version, so clinical content never goes stale silently: a new
//   build means a new sw.js, which the page offers to the reader (web/sw-register.mjs). The
//   large runtime files are cached under a name made from their own content, one cache per
//   group of the manifest ("pyodide": Pyodide's own files; "stdlib": the precompiled standard
//   library, which holds the engine): an engine edit re-downloads the standard library only, and
//   a content-only deploy nothing of the runtime (issue 17).
// - Nothing this worker caches comes from the browser's HTTP cache unchecked: GitHub Pages sends
//   `Cache-Control: max-age=600`, so a plain fetch right after a deploy may return the previous
//   build's file. Workbox's precache fetches with `cache: "reload"`; every other fetch revalidates
//   (`cache: "no-cache"`: a 304 costs no download), and the flow JSON is fetched under its
//   revision (`<id>.json?v=<sha>`, the same URL the page's walker uses).
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

import { nodeResolve } from "@rollup/plugin-node-resolve";
import replace from "@rollup/plugin-replace";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { injectManifest } from "workbox-build";

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SW_SOURCE = join(PROJECT, "web", "offline", "sw.mjs");

/** Prefix of every cache this site owns; caches with it but not of this build are deleted. */
const CACHE_PREFIX = "bsg-";

/** Runtime groups (site manifest) cached under a name made from their own content. */
const CONTENT_GROUPS = ["pyodide", "stdlib"];

/** Files this script writes: they must not feed the build id or the precache manifest. */
const GENERATED_FILES = new Set(["sw.js"]);

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

/** A short hash of some runtime files' paths and sha256 (as the manifest gives them). */
function groupHash(files) {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`${file.path}\0${file.sha256}\n`);
  }
  return hash.digest("hex").slice(0, 12);
}

/** The last folder name of a layout path ("algorithm/review/" -> "review"). */
function lastFolder(path) {
  return path.split("/").filter(Boolean).at(-1);
}

/** This build's facts for the worker (the `SITE` object of web/offline/sw.mjs). */
export function siteConfig(manifest, buildId) {
  const { layout, flows, runtime } = manifest;
  const buildPrefix = `${CACHE_PREFIX}${buildId}`;
  const engineCache = `${buildPrefix}-engine`;
  const contentCaches = {};
  const keepPrefixes = [`${buildPrefix}-`];
  for (const group of CONTENT_GROUPS) {
    const files = runtime.files.filter((file) => file.group === group);
    if (files.length === 0) continue;
    const cacheName = `${CACHE_PREFIX}${group}-${groupHash(files)}`;
    keepPrefixes.push(cacheName);
    for (const file of files) contentCaches[file.path] = cacheName;
  }
  // What the algorithm needs offline (every file a walker start fetches, and each flow's JSON
  // under the URL the walker uses), and the cache each goes in.
  const algorithmFiles = {};
  for (const file of runtime.files.filter((f) => f.start)) {
    algorithmFiles[file.path] = contentCaches[file.path] ?? engineCache;
  }
  for (const flow of flows) {
    const url = layout.flow_json_url.replace("{flow}", flow.id).replace("{revision}", flow.revision);
    algorithmFiles[url] = engineCache;
  }
  return {
    cachePrefix: CACHE_PREFIX,
    buildPrefix,
    keepPrefixes,
    engineCache,
    algorithmFiles: Object.fromEntries(Object.entries(algorithmFiles).sort()),
    contentCaches,
    engineFolders: [layout.pyodide_dir, layout.flows_dir],
    algorithmFolder: layout.algorithm,
    flows: flows.map((flow) => ({ id: flow.id, base: flow.base, json: flow.json })),
    notSteps: [
      lastFolder(layout.algorithm),
      ...Object.values(layout.flow_views).map(lastFolder),
      lastFolder(layout.review_page),
    ],
  };
}

/**
 * Pages cached when visited instead of precached: static step pages and advice sheets are many
 * and each reader needs few of them. Flow start pages, outlines and diagrams are precached.
 */
function visitCachedPages(manifest) {
  return manifest.flows.flatMap((flow) => [
    ...flow.steps.map((step) => `${step.page}index.html`),
    ...Object.values(flow.advice).map((page) => `${page}index.html`),
  ]);
}

/** web/offline/sw.mjs and the Workbox modules as one script, with `config` written in. */
async function bundle(config, outFile) {
  const bundled = await rollup({
    input: SW_SOURCE,
    plugins: [
      replace({
        preventAssignment: true,
        values: {
          __SITE_CONFIG__: JSON.stringify(config),
          "process.env.NODE_ENV": JSON.stringify("production"),
        },
      }),
      nodeResolve({ rootDir: PROJECT, browser: true }),
      terser({ format: { comments: false } }),
    ],
  });
  await bundled.write({ file: outFile, format: "iife" });
  await bundled.close();
}

async function main() {
  const siteDir = process.argv[2];
  if (!siteDir) {
    console.error("usage: node tools/build_sw.mjs SITE_DIR");
    process.exit(2);
  }
  const manifestPath = join(siteDir, "assets", "site-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.format !== 1) {
    console.error(`build_sw: ${manifestPath}: format ${manifest.format}, expected 1`);
    process.exit(1);
  }
  const allFiles = listFiles(siteDir).filter(
    (path) => !GENERATED_FILES.has(toUrlPath(siteDir, path)),
  );
  const buildId = contentHash(siteDir, allFiles);
  const config = siteConfig(manifest, buildId);
  const visitCached = visitCachedPages(manifest);

  const temp = mkdtempSync(join(tmpdir(), "build-sw-"));
  try {
    const swSrc = join(temp, "sw.js");
    await bundle(config, swSrc);
    const { count, size, warnings } = await injectManifest({
      swSrc,
      swDest: join(siteDir, "sw.js"),
      globDirectory: siteDir,
      globPatterns: ["**/*.{html,css,js,mjs,json,svg,png,jpg,ico,webmanifest,woff2}"],
      globIgnores: [
        ...GENERATED_FILES,
        "assets/site-manifest.json",
        `${manifest.layout.pyodide_dir}**`,
        `${manifest.layout.flows_dir}**`,
        // Material ships stemmers for every language; only English is used.
        "assets/javascripts/lunr/**",
        // Pages for reviewers and flow authors, not for the bedside: cached when visited.
        `${manifest.layout.review_page}**`,
        "authoring/**",
        "**/*.map",
        ...visitCached,
      ],
      // Material's fingerprinted assets (main.57a0d79d.min.css) never change under one name, so
      // the precache may take them from the HTTP cache instead of downloading them again.
      dontCacheBustURLsMatching: /\.[0-9a-f]{8}\.min\.(css|js)$/,
      maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
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
        `${visitCached.length} step and advice pages and the Pyodide runtime are cached on first use`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
