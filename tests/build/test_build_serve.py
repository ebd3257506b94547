"""`build_site.py serve` (what `make serve` runs), on a copy of the project: serves the site with
the MIME types Pyodide needs, rebuilds on a change, and keeps serving the last good site when a
flow breaks, printing the problem lines."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_build_failure import copy_project

WAIT_SECONDS = 240
"""Generous: a full build on a busy 2-core machine; the tests never assert on speed."""


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""
    except OSError:
        return 0, "", b""


def wait_for(check, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """(project copy, base URL, server log) of a running `build_site.py serve`."""
    project = copy_project(tmp_path_factory.mktemp("served"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = project / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "build_site.py", "serve", "--port", str(port)],
            cwd=project,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for(lambda: get(url)[0] == 200, "the live server")
            yield project, url, log
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_serves_the_runtime_with_the_types_pyodide_needs(served: tuple[Path, str, Path]):
    _, url, _ = served
    # The WebAssembly module ships as zstd: the worker gives Pyodide its application/wasm type.
    status, _, body = get(url + "assets/pyodide/pyodide.asm.wasm.zst")
    assert status == 200 and body.startswith(b"\x28\xb5\x2f\xfd")
    status, content_type, _ = get(url + "assets/pyodide/pyodide.mjs")
    assert status == 200 and "javascript" in content_type


def test_a_change_is_rebuilt_and_a_broken_flow_keeps_the_last_good_site(
    served: tuple[Path, str, Path],
):
    project, url, log = served
    page = project / "docs" / "causes.md"
    page.write_text(page.read_text() + "\nA line added while serving.\n")
    wait_for(lambda: b"A line added while serving." in get(url + "causes/")[2], "the rebuild")

    flow = sorted((project / "flows").glob("*.yaml"))[0]
    flow.write_text(re.sub(r"^start: *\S+", "start: no-such-node", flow.read_text(), flags=re.M))
    problem = re.compile(rf"flows/{re.escape(flow.name)}:\d+: .*no-such-node")
    wait_for(lambda: problem.search(log.read_text()) is not None, "the problem lines")
    assert get(url + "algorithm/")[0] == 200
    assert b"A line added while serving." in get(url + "causes/")[2]


def test_a_deeply_nested_flow_does_not_kill_the_server(served: tuple[Path, str, Path]):
    """Security review 2026-12, row 7: libyaml's C parser segfaulted on 30,000 nested
    brackets, and the live server died with it."""
    project, url, log = served
    deep = project / "flows" / "zz-deep.yaml"
    deep.write_text("x: " + "[" * 30_000 + "]" * 30_000 + "\n")
    try:
        message = "flows/zz-deep.yaml:1: the file is nested too deeply to be a flowchart"
        wait_for(lambda: message in log.read_text(), "the problem line")
        assert get(url + "algorithm/")[0] == 200
    finally:
        deep.unlink()
