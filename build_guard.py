"""What keeps a build of the site safe from bad input and from interruptions (security review
2026-12): the checks of the rendered site the engine cannot make (links into the docs, citations,
off-site fetches), and the swap of the finished site for the old one in one step, with a lock,
recovery after a kill and removal of killed builds' leftovers. Used by build_site.py.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitebuild.flows import FlowPages

# --- Checks of the rendered site ------------------------------------------------------------

FETCHING_ATTRIBUTES = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
    ("image", "href"),
    ("image", "xlink:href"),
    ("use", "href"),
    ("use", "xlink:href"),
}
"""(tag, attribute) pairs a browser fetches while loading a page, without a click (the same
list as tests/build/sitecheck.py). Ordinary links (`<a href>`) to other sites are fine."""
FETCHING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}
CSS_FETCH = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class PageScan(HTMLParser):
    """The ids of a rendered page and every URL it makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.fetches: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])
        if tag == "link" and FETCHING_LINK_RELS & set(values.get("rel", "").split()):
            self.fetches.append(values.get("href", ""))
        for attribute, value in values.items():
            if (tag, attribute) not in FETCHING_ATTRIBUTES:
                continue
            if attribute == "srcset":
                self.fetches += [part.split()[0] for part in value.split(",") if part.strip()]
            else:
                self.fetches.append(value)
        if "style" in values:
            self.css(values["style"])
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.css(data)

    def css(self, text: str) -> None:
        self.fetches += [a or b for a, b in CSS_FETCH.findall(text)]


def scan_page(path: Path) -> PageScan:
    scan = PageScan()
    scan.feed(path.read_text(encoding="utf-8", errors="replace"))
    scan.close()
    return scan


def off_site(url: str) -> bool:
    """A URL on another host (`https:`, `//host`...), not `data:`/`blob:` or a relative one."""
    from urllib.parse import urlsplit

    url = url.strip()
    if url.startswith("//"):
        return True
    try:
        return urlsplit(url).scheme not in ("", "data", "blob")
    except ValueError:
        return False


def page_source(out: Path, page: Path, stage: Path) -> tuple[str, Path | None]:
    """The docs file a rendered page came from (`docs/x.md`), or what generated it."""
    relative = page.relative_to(out)
    parts = relative.parts[:-1]
    for candidate in (Path(*parts).with_suffix(".md") if parts else None, Path(*parts, "index.md")):
        if candidate is not None and (stage / candidate).exists():
            return f"docs/{candidate}", stage / candidate
    return str(relative), None


def line_in(path: Path | None, needle: str) -> int:
    if path is None:
        return 1
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return 1


def off_site_problems(out: Path, stage: Path) -> list[str]:
    """The README promises that no page fetches anything off-site: one line per such URL in
    the pages MkDocs rendered (the step pages are clones of the checked shell pages)."""
    problems = []
    for sheet in sorted(out.rglob("*.css")):
        for url in dict.fromkeys(a or b for a, b in CSS_FETCH.findall(sheet.read_text())):
            if off_site(url):
                copied = stage / sheet.relative_to(out)
                problems.append(
                    f"docs/{sheet.relative_to(out)}:"
                    f"{line_in(copied if copied.exists() else None, url)}: the "
                    f"stylesheet would fetch {url} from another site; copy the file into docs/"
                )
    for page in sorted(out.rglob("*.html")):
        urls = [url for url in scan_page(page).fetches if off_site(url)]
        if not urls:
            continue
        shown, source = page_source(out, page, stage)
        for url in dict.fromkeys(urls):
            problems.append(
                f"{shown}:{line_in(source, url)}: the page would fetch {url} from another site; "
                "copy the file into docs/ (nothing is fetched off-site at run time)"
            )
    return problems


def flow_link_problems(out: Path, all_pages: list[FlowPages]) -> list[str]:
    """Flow links to missing pages or anchors, and sources without an entry (anchor) in
    docs/sources.md: the engine cannot see the pages, the rendered site can."""
    scans: dict[Path, PageScan | None] = {}

    def scanned(target: Path) -> PageScan | None:
        if target not in scans:
            scans[target] = scan_page(target) if target.is_file() else None
        return scans[target]

    from engine.model import OutcomeNode, QuestionNode

    problems = []
    for pages in all_pages:
        flow = pages.flow
        links = [link for node in flow.nodes for link in node.links]
        for node in flow.nodes:
            if isinstance(node, QuestionNode):
                links += [link for a in node.answers for link in a.links]
            elif isinstance(node, OutcomeNode):
                links += [link for r in node.recommendations for link in r.links]
        for link in links:
            path, _, anchor = link.page.partition("#")
            stem = path.removesuffix(".md")
            folder = "" if stem == "index" else stem.removesuffix("/index")
            scan = scanned(out / folder / "index.html")
            if scan is None:
                problems.append(
                    f'{flow.path}:{link.line}: link "{link.text}" points to {path}, which is not '
                    "a page of the site (docs/)"
                )
            elif anchor and anchor not in scan.ids:
                problems.append(
                    f'{flow.path}:{link.line}: link "{link.text}" points to {link.page}, but '
                    f'{path} has no heading or element with the id "{anchor}"'
                )
        sources = scanned(out / "sources" / "index.html")
        for source in flow.sources:
            if sources is None or source.id not in sources.ids:
                problems.append(
                    f'{flow.path}:{source.line}: source "{source.id}" has no entry in '
                    f"docs/sources.md (an anchor {{ #{source.id} }}): its citations would lead "
                    "nowhere"
                )
    return problems


# --- The swap ---------------------------------------------------------------------------------


RENAME_EXCHANGE = 2
"""renameat2(2) flag: swap two paths in one step (Linux 3.15+, ext4, btrfs, xfs, tmpfs...)."""
PAUSE_HOOK = "BUILD_SITE_PAUSE_AT"
"""Tests only: `BUILD_SITE_PAUSE_AT=<point>` makes the build write `<site>.paused-<point>` beside
the site and wait there until that file is removed, so a test can SIGKILL it at exactly that
point of the swap, or start a second build while it waits."""


def pause_point(site_dir: Path, point: str) -> None:
    if os.environ.get(PAUSE_HOOK) != point:
        return
    marker = site_dir.parent / f".{site_dir.name}.paused-{point}"
    marker.write_text(str(os.getpid()))
    deadline = time.monotonic() + 600
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False where the system cannot (then nothing changed)."""
    import ctypes

    if os.environ.get("BUILD_SITE_NO_EXCHANGE"):  # tests: the fallback of other systems
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(error, os.strerror(error), str(a))


@contextmanager
def swap_lock(site_dir: Path) -> Iterator[None]:
    """One build at a time swaps (and recovers) `site_dir`: a lock on its parent folder, which
    the system releases when the process dies, so a killed build never leaves a stale lock."""
    import fcntl

    fd = os.open(site_dir.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def journal_path(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}-swap.json"


def recover(site_dir: Path) -> None:
    """Finish or undo a swap that a kill interrupted (the two-rename fallback only; with
    RENAME_EXCHANGE there is no moment without a site). Call with the swap lock held."""
    journal = journal_path(site_dir)
    if not journal.exists():
        return
    try:
        names = json.loads(journal.read_text())
        old, new = site_dir.parent / names["old"], site_dir.parent / names["new"]
    except (ValueError, KeyError, TypeError):
        journal.unlink()
        return
    if not site_dir.exists():
        for candidate in (new, old):  # the finished new site if it is there, else the old one
            if candidate.is_dir():
                candidate.rename(site_dir)
                break
    journal.unlink()


def leftover_pid(name: str, prefixes: tuple[str, ...]) -> int | None:
    """The pid in a leftover folder's name (`<prefix><pid>-...`); 0 for a nameless old one."""
    for prefix in prefixes:
        if name.startswith(prefix):
            pid = name[len(prefix) :].split("-", 1)[0]
            return int(pid) if pid.isdigit() else 0
    return None


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process nobody has reaped yet is a zombie: it builds nothing any more
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def remove_leftovers(project: Path, site_dir: Path) -> None:
    """Remove what killed builds left: unfinished `.site-new-*`, `.site-old-*` and stage
    folders. Folders of builds still running (their pid is alive) are left alone."""
    places = [
        (site_dir.parent, (f".{site_dir.name}-new-", f".{site_dir.name}-old-")),
        (project / ".build", ("stage-",)),
    ]
    for folder, prefixes in places:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            pid = leftover_pid(entry.name, prefixes)
            if pid is not None and pid != os.getpid() and not alive(pid) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


def write_journal(site_dir: Path, old: Path, new: Path) -> None:
    """Note what the two renames are about to do. Written before either: a kill while writing
    leaves a journal `recover` cannot read, and it then just removes it (nothing was renamed)."""
    journal_path(site_dir).write_text(json.dumps({"old": old.name, "new": new.name}))


def swap_in(new: Path, site_dir: Path, *, remove_old_in_background: bool = False) -> None:
    """Replace `site_dir` with the finished `new` folder in one step (see `exchange`).

    Where the system cannot exchange two folders, two renames with a journal that the next
    build (`recover`) uses to finish the swap. The live server removes the old folder in a
    background thread: the reader's page reloads as soon as the new site is in place.
    """
    new.chmod(0o755)
    with swap_lock(site_dir):
        recover(site_dir)
        pause_point(site_dir, "before-swap")
        if not site_dir.exists():
            new.rename(site_dir)
            return
        if exchange(new, site_dir):
            old = new  # after the exchange, the new folder's name holds the old site
        else:
            old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}-{time.monotonic_ns()}")
            write_journal(site_dir, old, new)
            site_dir.rename(old)
            pause_point(site_dir, "between-renames")
            new.rename(site_dir)
            journal_path(site_dir).unlink()
        pause_point(site_dir, "after-swap")
    if remove_old_in_background:
        threading.Thread(target=shutil.rmtree, args=(old, True), daemon=False).start()
    else:
        shutil.rmtree(old, ignore_errors=True)
