// Types for the browser code's globals that no standard library declares (tsconfig.json).

/** Material for MkDocs' page stream: emits once for every page its instant navigation shows. */
declare var document$: { subscribe(next: () => unknown): unknown } | undefined;

/** Test hooks read by web/loading.mjs (tests set them before the page's scripts run). */
declare var WALKER_CONFIG: { watchdogMs?: number } | undefined;
