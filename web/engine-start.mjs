// Program: starts the tab's engine worker as early as an algorithm page allows (issue 17).
//
// Loaded as an async module from the page's head (overrides/algorithm.html): it runs as soon as
// it and its imports have arrived, without waiting for the page to be parsed or its stylesheets,
// so the worker (and the runtime downloads it starts at once, web/worker.mjs) begins about a
// round trip after the page, not after the page's CSS and walker.mjs. walker.mjs, when it runs,
// takes the same worker (tabEngine: one per tab). Nothing here touches the page.

import { tabEngine } from "./engine-client.mjs";

tabEngine();
