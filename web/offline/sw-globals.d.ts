// Types for web/offline/sw.mjs (tsconfig.sw.json): the two names tools/build_sw.mjs fills in.

/** This build's facts (the `SITE` object of sw.mjs), written in by rollup's replace plugin. */
declare const __SITE_CONFIG__: unknown;

interface WorkerGlobalScope {
  /** The precache manifest, written in by Workbox's `injectManifest` (the literal name). */
  __WB_MANIFEST: Array<import("workbox-precaching").PrecacheEntry | string>;
}
