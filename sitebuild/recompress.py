"""Pyodide's WebAssembly module, recompressed for the wire (issue 17), and the decoder the engine
worker unpacks it with.

Why: the module is three quarters of a cold walker start's bytes. A host gzips it (3.54 MB);
zstd at level 19 takes it to 2.89 MB. Browsers decode only gzip/deflate themselves
(DecompressionStream), so the worker ships a decoder: npm's zstddec (zstd's own C decoder
compiled to WebAssembly, MIT and BSD-3-Clause, 34 KB as a host gzips it), fed as the bytes
arrive (web/zstd-stream.mjs), into WebAssembly.compileStreaming. A host sends a .zst file as it
is (no gzip on top): what is on disk is what crosses the wire.

Why zstd and not xz (2.64 MB, shipped before): unpacking is on the walker's critical path, and
the xz decoder (xz-embedded in WebAssembly) took 300-750 ms of the worker's thread for the
9.6 MB module on the bench's desktop, zstd's about a third of that; the 250 KB more cost a slow
line about 220 ms, which the download overlaps with everything else (bench/results/runtime.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import zstandard

from sitebuild.common import sha256_file, write_atomic
from sitebuild.urls import DECODER_FILE, WASM_FILE

DECODER_SOURCE = "zstddec/dist/zstddec-stream.mjs"
"""The streaming decoder in node_modules/ (an ES module exporting ZSTDDecoder, its WebAssembly
inside; its licence text at its end)."""

ZSTD_LEVEL = 19
"""zstd -19: higher levels (up to 22, --long) make the module 1 KB smaller, not worth their
memory; the decoder's window (8 MiB at this level) is within zstddec's default limit."""


def zstd_wasm(project: Path, cache: Path) -> Path:
    """pyodide.asm.wasm as zstd; made once per Pyodide release (a few seconds), then cached."""
    wasm = project / "node_modules" / "pyodide" / "pyodide.asm.wasm"
    cached = cache / "wasm-zstd" / sha256_file(wasm)[:16] / WASM_FILE
    if not cached.exists():
        compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True)
        write_atomic(cached, compressor.compress(wasm.read_bytes()))
    return cached


def write_recompressed(project: Path, cache: Path, pyodide_dir: Path) -> None:
    """The recompressed module and its decoder, in the site's Pyodide folder."""
    shutil.copyfile(zstd_wasm(project, cache), pyodide_dir / WASM_FILE)
    shutil.copyfile(project / "node_modules" / DECODER_SOURCE, pyodide_dir / DECODER_FILE)
