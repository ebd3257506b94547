// Material's search index (the text of every reading page, about 80 KB gzip) is requested when
// it no longer competes with the page (issue 17), or at once when the reader opens the search:
// - on an algorithm page, once the walker is ready or has failed, and 60 s after the page's
//   start at the latest: a cold walker start does not share the network with it;
// - on any other page, once the page has loaded and the main thread is idle: handling the index
//   (parsing it, handing it to the search worker) is then not part of the page's start-up, the
//   longest main-thread work of a phone's page load (Lighthouse).
// Any other request is untouched. Material 9.8.1 fetches the index with XMLHttpRequest as its
// bundle starts; this file is loaded before the bundle (partials/javascripts/base.html).
// Re-check on an upgrade.
(() => {
  const INDEX = "/search/search_index.json";
  const SETTLED = ["ready", "failed"];
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const deferred = new WeakSet();

  /** Calls `callback` once the page has loaded and the main thread is idle (2 s at most). */
  const afterLoadAndIdle = (callback) => {
    const idle = () =>
      "requestIdleCallback" in window
        ? requestIdleCallback(callback, { timeout: 2000 })
        : setTimeout(callback, 200);
    if (document.readyState === "complete") idle();
    else addEventListener("load", idle, { once: true });
  };

  /** Resolves when the index may load (see the top of the file). */
  const whenWanted = () =>
    new Promise((resolve) => {
      const walker = document.getElementById("walker");
      if (walker && SETTLED.includes(walker.dataset.state)) return resolve();
      let observer = null;
      let timer;
      const done = () => {
        observer?.disconnect();
        document.removeEventListener("focusin", onFocus, true);
        document.removeEventListener("change", onFocus, true);
        clearTimeout(timer);
        resolve();
      };
      const onFocus = (event) => {
        if (event.target.closest?.(".md-search, [data-md-toggle=search]")) done();
      };
      document.addEventListener("focusin", onFocus, true);
      document.addEventListener("change", onFocus, true);
      if (!walker) return afterLoadAndIdle(done);
      observer = new MutationObserver(() => SETTLED.includes(walker.dataset.state) && done());
      observer.observe(walker, { attributes: true, attributeFilter: ["data-state"] });
      timer = setTimeout(done, Math.max(0, 60000 - performance.now()));
    });

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (new URL(String(url), location.href).pathname.endsWith(INDEX)) deferred.add(this);
    else deferred.delete(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (!deferred.has(this)) return send.call(this, body);
    whenWanted().then(() => send.call(this, body));
  };
})();
