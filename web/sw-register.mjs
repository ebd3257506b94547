// Program: offline (every page). Owns registering the site's service worker (sw.js, written at build time by tools/build_sw.mjs) and
// tells the reader when a newer version of the guide has been deployed.
//
// Served from /assets/walker/sw-register.mjs, so the site root is two folders up: this works
// under a project subpath (GitHub Pages) too. Clinical content must never go stale silently:
// a waiting new version is announced in a small banner, and it takes over only when the reader
// asks for it (then the page reloads once). Text is set with textContent only.

import { STATES, WALKER_ID } from "./contract.mjs";

const SITE_ROOT = new URL("../../", import.meta.url);
const BANNER_ID = "sw-update";

/** Set when the reader asked for the new version; only then does a controller change reload. */
let reloadRequested = false;

/** @param {ServiceWorkerRegistration} registration */
function showUpdateBanner(registration) {
  if (document.getElementById(BANNER_ID)) return;
  const banner = document.createElement("div");
  banner.id = BANNER_ID;
  banner.className = "md-typeset";
  banner.setAttribute("role", "status");
  // CSSOM assignments, not a style attribute: allowed under the pages' Content-Security-Policy.
  Object.assign(banner.style, {
    position: "fixed",
    insetInline: "0.5rem",
    bottom: "0.5rem",
    zIndex: "10",
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: "0.5rem 1rem",
    maxWidth: "40rem",
    margin: "0 auto",
    padding: "0.6rem 0.8rem",
    background: "var(--md-default-bg-color, #fff)",
    color: "var(--md-default-fg-color, #000)",
    border: "2px solid var(--md-primary-fg-color, #00796b)",
    borderRadius: "0.3rem",
    boxShadow: "0 0.2rem 0.6rem rgba(0, 0, 0, 0.25)",
    fontSize: "0.8rem",
  });

  const message = document.createElement("span");
  message.textContent = "A newer version of this guide is available.";

  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "md-button md-button--primary";
  reload.textContent = "Reload to update";
  reload.addEventListener("click", () => {
    reload.disabled = true;
    reloadRequested = true;
    if (registration.waiting) registration.waiting.postMessage({ type: "SKIP_WAITING" });
    else window.location.reload();
  });

  const later = document.createElement("button");
  later.type = "button";
  later.className = "md-button";
  later.textContent = "Later";
  later.addEventListener("click", () => banner.remove());

  banner.append(message, reload, later);
  document.body.append(banner);
}

/**
 * Announce `worker` once it has installed, if it is an update (not the very first install).
 *
 * @param {ServiceWorkerRegistration} registration
 * @param {ServiceWorker | null} worker
 */
function watchInstalling(registration, worker) {
  if (!worker) return;
  worker.addEventListener("statechange", () => {
    if (worker.state === "installed" && navigator.serviceWorker.controller) {
      showUpdateBanner(registration);
    }
  });
}

/**
 * Resolves once the walker on this page (if any) has reached one of `states`; null when the page
 * has no walker.
 *
 * @param {string[]} states
 * @returns {Promise<void> | null}
 */
function walkerReaches(states) {
  const walker = document.getElementById(WALKER_ID);
  if (!walker) return null;
  return new Promise((resolve) => {
    const check = () => {
      if (!states.includes(walker.dataset.state ?? "")) return false;
      observer.disconnect();
      resolve();
      return true;
    };
    const observer = new MutationObserver(check);
    observer.observe(walker, { attributes: true, attributeFilter: ["data-state"] });
    check();
  });
}

/**
 * After the algorithm has been used once, keep what it needs offline. On a first visit the
 * walker fetched the runtime before this service worker controlled the page, so ask the worker
 * to cache whatever of it is not cached yet (sw-extras.js, written at build time): the worker
 * fetches, mostly from the browser's HTTP cache, and the page's main thread handles none of
 * the 13 MB. Marks <html data-offline="ready"> once it is all kept.
 */
async function keepAlgorithmOffline() {
  const ready = walkerReaches([STATES.ready]);
  if (!ready || document.documentElement.dataset.offline === "ready") return;
  await ready;
  const { active } = await navigator.serviceWorker.ready;
  if (!active) return;
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => {
    channel.port1.onmessage = (event) => resolve(event.data);
  });
  active.postMessage({ type: "KEEP_ALGORITHM" }, [channel.port2]);
  if ((await reply)?.ok) document.documentElement.dataset.offline = "ready";
}

async function register() {
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadRequested) window.location.reload();
  });
  const registration = await navigator.serviceWorker.register(new URL("sw.js", SITE_ROOT), {
    scope: SITE_ROOT.pathname,
  });
  if (registration.waiting && navigator.serviceWorker.controller) {
    showUpdateBanner(registration);
  }
  watchInstalling(registration, registration.installing);
  registration.addEventListener("updatefound", () =>
    watchInstalling(registration, registration.installing),
  );
  // Instant navigation keeps one document for many pages: look for a new version when the
  // reader comes back to the tab, not only on a full page load.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") registration.update().catch(() => {});
  });
  // Material's instant navigation swaps pages without reloading this module: follow its
  // document$ stream when there is one, so a later visit to the algorithm counts too.
  if (window.document$?.subscribe) {
    window.document$.subscribe(() => keepAlgorithmOffline().catch(() => {}));
  } else {
    await keepAlgorithmOffline();
  }
}

/**
 * Whether this site is now served without sw.js (`make serve`, or a deploy that dropped offline
 * support). Then the worker of an earlier build must go, or it would keep serving that build's
 * pages. Only a definite 404 counts: offline the request fails, and the worker is kept.
 */
async function serviceWorkerRemoved() {
  try {
    const reply = await fetch(new URL("sw.js", SITE_ROOT), { method: "HEAD", cache: "no-store" });
    return reply.status === 404;
  } catch {
    return false;
  }
}

async function start() {
  if (!("serviceWorker" in navigator)) return;
  // On the algorithm page, install (download the precache) only once the walker has its
  // runtime, so the two never share a slow connection; at most 60 s later in any case.
  const walkerSettled = walkerReaches([STATES.ready, STATES.failed]);
  if (walkerSettled) await Promise.race([walkerSettled, new Promise((r) => setTimeout(r, 60_000))]);
  if (await serviceWorkerRemoved()) {
    const registration = await navigator.serviceWorker.getRegistration(SITE_ROOT.href);
    if (registration) await registration.unregister();
    return;
  }
  await register();
}

function startQuietly() {
  start().catch(() => {
    // No service worker (private mode, an old browser, a server error): the site works without.
  });
}

// After the page has loaded: installing the worker (the precache) never competes with first paint.
if (document.readyState === "complete") startQuietly();
else window.addEventListener("load", startQuietly, { once: true });
