// Registers the site's service worker (sw.js, written at build time by tools/build_sw.mjs) and
// tells the reader when a newer version of the guide has been deployed.
//
// Served from /assets/walker/sw-register.mjs, so the site root is two folders up: this works
// under a project subpath (GitHub Pages) too. Clinical content must never go stale silently:
// a waiting new version is announced in a small banner, and it takes over only when the reader
// asks for it (then the page reloads once). Text is set with textContent only.

const SITE_ROOT = new URL("../../", import.meta.url);
const BANNER_ID = "sw-update";

/** Set when the reader asked for the new version; only then does a controller change reload. */
let reloadRequested = false;

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

/** Announce `worker` once it has installed, if it is an update (not the very first install). */
function watchInstalling(registration, worker) {
  if (!worker) return;
  worker.addEventListener("statechange", () => {
    if (worker.state === "installed" && navigator.serviceWorker.controller) {
      showUpdateBanner(registration);
    }
  });
}

async function register() {
  if (!("serviceWorker" in navigator)) return;
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
}

register().catch(() => {
  // No service worker (private mode, an old browser, a server error): the site works without.
});
