"""Finding and reading the route files under `<connector>/src/api/`, safely.

Decisions:
- Only `*.ts` files are route files. A file whose name has another dot (`x.test.ts`, `x.d.ts`) is
  a test or a declaration file, not a route, and is not read. Hidden entries (`.x`) are skipped.
- A symlink (file or folder) whose target lies outside the connector directory is not followed;
  it is reported as a warning (BF710), so a reviewer sees that part of the code was not checked.
  A symlink inside the directory is followed, each real folder once (no cycles).
- A file that is too large, not UTF-8, holds a NUL or cannot be read is reported (BF709) and
  then treated as present but unknown: its route exists, nothing inside it is judged.
- At most MAX_ROUTE_FILES files are read; past that the rest is reported once (BF709).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from backfill_codegen import limits, safe_read
from backfill_codegen.diagnostics.model import Diagnostic, Label
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.domain.routes import route_problem
from backfill_codegen.rules.route_files import ROUTE_FILE_UNREADABLE, ROUTE_SYMLINK_OUTSIDE
from backfill_codegen.source import SourceFile, Span
from backfill_codegen.workspace import API_DIR

# Module-level names, so a test can lower them.
MAX_ROUTE_FILE_BYTES = limits.MAX_ROUTE_FILE_BYTES
MAX_ROUTE_FILES = limits.MAX_ROUTE_FILES
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RouteFile:
    """A route file as `generate` documents it: its route and the methods it exports."""

    route: str  # "/setup/test_connection"
    file: str  # "src/api/setup/test_connection.ts", relative to the connector directory
    methods: tuple[str, ...]  # sorted: ("GET", "POST")


@dataclass
class Found:
    """A `.ts` file under `src/api/`: its text, or None when it could not be read."""

    relative: str  # "src/api/setup/test_connection.ts"
    route: str | None  # "/setup/test_connection"; None when the path is not a route path
    source: SourceFile
    readable: bool = True  # False: reported (BF709); its route exists, its content is unknown


@dataclass
class Discovery:
    files: list[Found]
    diagnostics: list[Diagnostic]
    #: Some code under `src/api/` was not read (a symlink left out, a file unreadable): a rule
    #: that needs to see every call must stay silent.
    incomplete: bool = False


def api_dir(connector_dir: Path) -> Path | None:
    """`<connector>/src/api` when it is a folder, else None (the manifest is checked alone)."""
    folder = connector_dir.joinpath(*API_DIR)
    return folder if folder.is_dir() else None


def route_of(relative: str) -> str | None:
    """`src/api/setup/test_connection.ts` -> `/setup/test_connection`, None when not a route."""
    route = "/" + relative[len("/".join(API_DIR)) + 1 : -len(".ts")]
    return None if route_problem(route) is not None else route


def display_prefix(connector_display: str) -> str:
    return "" if connector_display in ("", ".") else connector_display.rstrip("/") + "/"


def discover(connector_dir: Path, connector_display: str) -> Discovery:
    """Every route file under `src/api/`, read, in path order; problems as diagnostics."""
    found = Discovery([], [])
    root = connector_dir.resolve()
    prefix = display_prefix(connector_display)
    start = connector_dir.joinpath(*API_DIR)
    if not _inside(start, root):
        found.diagnostics.append(_outside(prefix + "/".join(API_DIR)))
        found.incomplete = True
        return found
    visited: set[str] = set()
    pending: list[tuple[Path, str]] = [(start, "/".join(API_DIR))]
    files: list[tuple[Path, str]] = []
    while pending:
        folder, relative = pending.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            found.incomplete = True
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            child = f"{relative}/{entry.name}"
            if entry.is_symlink() and not _inside(path, root):
                found.diagnostics.append(_outside(prefix + child))
                found.incomplete = True
                continue
            if entry.is_dir():
                pending.append((path, child))
            elif _is_route_file(entry.name) and entry.is_file():
                files.append((path, child))
    files.sort(key=lambda item: item[1])
    if len(files) > MAX_ROUTE_FILES:
        first_skipped = files[MAX_ROUTE_FILES][1]
        found.diagnostics.append(
            make_diagnostic(
                ROUTE_FILE_UNREADABLE,
                f"more than {MAX_ROUTE_FILES:,} route files; the rest, from this one on, "
                "are not checked",
                Label(SourceFile(prefix + first_skipped, ""), Span(0, 0)),
            )
        )
        found.incomplete = True
        files = files[:MAX_ROUTE_FILES]
    for path, relative in files:
        source, problem = read(path, prefix + relative, root)
        if problem is not None:
            found.diagnostics.append(problem)
            found.incomplete = True
        found.files.append(Found(relative, route_of(relative), source, problem is None))
    return found


def _is_route_file(name: str) -> bool:
    return name.endswith(".ts") and "." not in name[: -len(".ts")]


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(root)
    except ValueError:
        return False
    return True


def _outside(display: str) -> Diagnostic:
    return make_diagnostic(
        ROUTE_SYMLINK_OUTSIDE,
        "this symlink points outside the connector directory; it is not followed, so the code "
        "behind it is not checked",
        Label(SourceFile(display, ""), Span(0, 0)),
        help="keep route files inside the connector directory (copy the file instead)",
    )


def read(
    path: Path, display: str, root: Path | None = None
) -> tuple[SourceFile, Diagnostic | None]:
    """The decoded text of a route file, or an empty SourceFile and why it could not be read.
    With `root`, the file actually opened must lie inside it (a symlink swapped for one leading
    out between the walk and the read is BF710, unread), and it must be a regular file."""
    empty = SourceFile(display, "")
    try:
        data = safe_read.read_bounded(path, MAX_ROUTE_FILE_BYTES, root)
    except safe_read.Outside:
        return empty, _outside(display)
    except OSError as error:
        reason = error.strerror or str(error)
        return empty, _unreadable(empty, f"cannot read this route file: {reason}", Span(0, 0))
    if len(data) > MAX_ROUTE_FILE_BYTES:
        size = f"{MAX_ROUTE_FILE_BYTES // (1024 * 1024)} MiB"
        return empty, _unreadable(empty, f"this route file is larger than {size}", Span(0, 0))
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        source = SourceFile(display, data.decode("utf-8", "replace"))
        offset = len(data[: error.start].decode("utf-8", "replace"))
        message = (
            f"this route file is not UTF-8: byte 0x{data[error.start]:02x} at byte offset "
            f"{error.start} cannot start or continue a character"
        )
        return source, _unreadable(source, message, Span(offset, offset + 1), "save it as UTF-8")
    source = SourceFile(display, text)
    nul = text.find("\0")
    if nul >= 0:
        message = "this route file holds a NUL character: it looks like a binary file"
        return source, _unreadable(source, message, Span(nul, nul + 1))
    return source, None


def _unreadable(
    source: SourceFile, message: str, span: Span, help: str | None = None
) -> Diagnostic:
    return make_diagnostic(ROUTE_FILE_UNREADABLE, message, Label(source, span), help=help)
