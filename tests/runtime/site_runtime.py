"""The site's own runtime started in a test's Web Worker, as web/worker.mjs starts it.

One copy for every test that runs Python on a built site's runtime (tests/runtime): the
WebAssembly module from its zstd (unpacked by the site's own web/zstd-stream.mjs), the standard
library from its gzipped zip. When the site changes how it ships the runtime, this is the one
place a test worker follows it.
"""

START_SITE_RUNTIME = """
    import { loadPyodide } from "${base}assets/pyodide/pyodide.mjs";
    import { unzstd } from "${base}assets/walker/zstd-stream.mjs";
    // As web/worker.mjs starts the walker's runtime: the WebAssembly module from its zstd, the
    // standard library from its gzip.
    const siteFetch = globalThis.fetch;
    globalThis.fetch = async (url, init) => String(url).endsWith("/pyodide.asm.wasm")
      ? new Response(unzstd((await siteFetch(url + ".zst")).body),
                     { headers: { "Content-Type": "application/wasm" } })
      : siteFetch(url, init);
    const packed = await fetch("${base}assets/pyodide/python_stdlib.zip.gz");
    const zip = await new Response(packed.body.pipeThrough(new DecompressionStream("gzip"))).blob();
    const py = await loadPyodide({
      indexURL: "${base}assets/pyodide/", stdLibURL: URL.createObjectURL(zip),
    });
"""
"""JavaScript for the body of a module worker's template literal (`base`: the site's URL):
defines `py`, the started Pyodide."""
