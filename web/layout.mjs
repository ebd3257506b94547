// Program: every browser module that builds a URL of the site (walker, engine client, engine
// worker, offline). Owns reading the site's URL layout, which the build writes beside this
// module (assets/walker/site-layout.mjs, from the site manifest; sitebuild/urls.py is its one
// source): no browser module spells a path of the site itself. The pure helpers that use it
// (links.mjs) take it as a parameter, so they are unit-tested without a built site.

// @ts-expect-error: written by the build beside this module (not in web/); typed below
import { LAYOUT as builtLayout } from "./site-layout.mjs";

/**
 * The URL layout (MANIFEST.md): paths relative to the site root, folders ending in "/",
 * templates with `{name}` placeholders (links.mjs fills them).
 *
 * @typedef {object} Layout
 * @property {string} site_root_from_walker the site root, from a module in assets/walker/
 * @property {string} pyodide_dir
 * @property {string} flow_json "assets/flows/{flow}.json"
 * @property {string} flow_json_url the flow JSON as fetched: with "?v={revision}"
 * @property {string} algorithm every flow's pages live below this folder
 * @property {string} step_page "{base}{token}/"
 * @property {string} share_link "{base}#{token}"
 * @property {string} runtime_probe the runtime file whose presence in the cache means it is kept
 * @property {string} stdlib the slim standard library (a zip, gzipped as one file)
 * @property {string} wasm Pyodide's WebAssembly module as the site ships it (zstd)
 */

/** @type {Layout} */
export const LAYOUT = builtLayout;

/** The site root (a module served from assets/walker/ finds it there). */
export const SITE_ROOT = new URL(LAYOUT.site_root_from_walker, import.meta.url);
