"""Pyodide's WebAssembly module, recompressed for the wire (issue 17), and the decoder the engine
worker unpacks it with.

Why: the module is three quarters of a cold walker start's bytes. A host gzips it (3.54 MB);
xz takes it to 2.64 MB. Browsers decode only gzip/deflate themselves (DecompressionStream), so
the worker ships a small xz decoder (npm's xz-decompress: xz-embedded compiled to WebAssembly,
MIT, 20 KB) and streams the unpacked bytes into WebAssembly.instantiateStreaming as they arrive.
A host sends an .xz file as it is (no gzip on top): what is on disk is what crosses the wire.

The xz file uses a CRC32 check (xz-embedded's default build has no CRC64) and a dictionary just
large enough for the module (a 64 MiB one would make the decoder allocate 64 MiB for nothing).
"""

from __future__ import annotations

import lzma
import shutil
from pathlib import Path

from sitebuild.common import sha256_file, write_atomic
from sitebuild.urls import DECODER_FILE, WASM_FILE

DECODER_SOURCE = "xz-decompress/dist/package/xz-decompress.min.js"
"""The decoder's browser bundle in node_modules/ (a UMD script, not a module)."""

XZ_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": 16 << 20}]
"""xz -9e with a 16 MiB dictionary: the module (9.6 MB) fits, nothing larger is allocated."""


def xz_wasm(project: Path, cache: Path) -> Path:
    """pyodide.asm.wasm as xz; made once per Pyodide release (about 10 s), then cached."""
    wasm = project / "node_modules" / "pyodide" / "pyodide.asm.wasm"
    cached = cache / "wasm-xz" / sha256_file(wasm)[:16] / WASM_FILE
    if not cached.exists():
        data = lzma.compress(
            wasm.read_bytes(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, filters=XZ_FILTERS
        )
        write_atomic(cached, data)
    return cached


def decoder_module(project: Path) -> str:
    """The decoder as an ES module: the engine worker is a module worker, where a UMD script's
    `this` is undefined and it could not register itself; run with a private `this`, it puts
    its exports there, and the module exports XzReadableStream from it."""
    bundle = (project / "node_modules" / DECODER_SOURCE).read_text(encoding="utf-8")
    return (
        f"// {DECODER_FILE}: node_modules/{DECODER_SOURCE} (MIT; its licence header follows),\n"
        "// wrapped as an ES module by the build (sitebuild/recompress.py).\n"
        "const root = {};\n"
        f"(function () {{\n{bundle.strip()}\n}}).call(root);\n"
        'export const XzReadableStream = root["xz-decompress"].XzReadableStream;\n'
    )


def write_recompressed(project: Path, cache: Path, pyodide_dir: Path) -> None:
    """The recompressed module and its decoder, in the site's Pyodide folder."""
    shutil.copyfile(xz_wasm(project, cache), pyodide_dir / WASM_FILE)
    (pyodide_dir / DECODER_FILE).write_text(decoder_module(project), encoding="utf-8")
