// On an algorithm page, Material's search index (the text of every reading page, about 80 KB
// gzip) is requested only once the walker is ready or has failed, or the reader opens the
// search, and 60 s after the page's start at the latest: a cold walker start does not share
// the network with it (issue 17). Any other request, and every page without a walker, is
// untouched. Material 9.8.1 fetches the index with XMLHttpRequest as its bundle starts; this
// file is loaded before the bundle (partials/javascripts/base.html). Re-check on an upgrade.
(() => {
  const INDEX = "/search/search_index.json";
  const SETTLED = ["ready", "failed"];
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const deferred = new WeakSet();

  /** Resolves when the index may load (at once on a page without a walker). */
  const whenWanted = () =>
    new Promise((resolve) => {
      const walker = document.getElementById("walker");
      if (!walker || SETTLED.includes(walker.dataset.state)) return resolve();
      const done = () => {
        observer.disconnect();
        document.removeEventListener("focusin", onFocus, true);
        document.removeEventListener("change", onFocus, true);
        clearTimeout(timer);
        resolve();
      };
      const observer = new MutationObserver(() => SETTLED.includes(walker.dataset.state) && done());
      observer.observe(walker, { attributes: true, attributeFilter: ["data-state"] });
      const onFocus = (event) => {
        if (event.target.closest?.(".md-search, [data-md-toggle=search]")) done();
      };
      document.addEventListener("focusin", onFocus, true);
      document.addEventListener("change", onFocus, true);
      const timer = setTimeout(done, Math.max(0, 60000 - performance.now()));
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
