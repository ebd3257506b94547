// Unit tests of the pure parts of web/loading.mjs and web/prefetch.mjs: the progress line, the
// cause a failed start is blamed on, and when a prefetch may spend the reader's data.
import assert from "node:assert/strict";
import { test } from "node:test";

import { failureCause, failureNotice, progressText, StartupError } from "../../web/loading.mjs";
import { connectionAllowsPrefetch } from "../../web/prefetch.mjs";

test("progress is shown in megabytes to one decimal", () => {
  assert.equal(
    progressText(1_849_000, 4_200_000),
    "Loading the interactive version: 1.8 of 4.2 MB",
  );
  assert.equal(progressText(0, 950_000), "Loading the interactive version: 0.0 of 0.9 MB");
});

test("offline is blamed first, then the watchdog's cause, then the error's words", () => {
  assert.equal(failureCause(new Error("HTTP 404"), false), "offline");
  assert.equal(failureCause(new StartupError("no data", "slow"), true), "slow");
  assert.equal(failureCause(new Error("flow x: HTTP 503"), true), "network");
  assert.equal(failureCause(new Error("Failed to fetch"), true), "network");
  assert.equal(failureCause(new Error("this browser has no WebAssembly"), true), "browser");
  assert.equal(failureCause(new Error("module workers are not supported"), true), "browser");
  assert.equal(failureCause("something else", true), "browser");
});

test("each cause has its notice, and every notice but offline's says the pages still work", () => {
  const offline = "OFFLINE NOTICE";
  assert.equal(failureNotice(new Error("x"), offline, false), offline);
  for (const error of [new StartupError("s", "slow"), new Error("HTTP 500"), new Error("odd")]) {
    const notice = failureNotice(error, offline, true);
    assert.match(notice, /^The interactive version could not start/);
    assert.match(notice, /The step-by-step pages work as they are\.$/);
  }
  assert.match(failureNotice(new StartupError("s", "slow"), offline, true), /too slow/);
  assert.match(failureNotice(new Error("HTTP 500"), offline, true), /could not be downloaded/);
  assert.match(failureNotice(new Error("odd"), offline, true), /in this browser/);
});

test("no prefetch with Save-Data or on a slow connection", () => {
  assert.equal(connectionAllowsPrefetch(null), true); // most desktop browsers do not say
  assert.equal(connectionAllowsPrefetch({ effectiveType: "4g" }), true);
  assert.equal(connectionAllowsPrefetch({ effectiveType: "4g", saveData: true }), false);
  for (const slow of ["slow-2g", "2g", "3g"]) {
    assert.equal(connectionAllowsPrefetch({ effectiveType: slow }), false, slow);
  }
});
