"""Runs the stages for one manifest: read -> front end -> shape -> semantic checks -> diagnostics.

A semantic check runs whenever the paths it reads are structurally valid, so one bad field never
hides problems elsewhere. Nothing here raises for a user's mistake; problems travel as values.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from backfill_codegen import limits, safe_read
from backfill_codegen.diagnostics.model import Diagnostic, Finding, Label, Path
from backfill_codegen.frontends.base import FrontendResult, LocatedDocument
from backfill_codegen.source import SourceFile, Span

if TYPE_CHECKING:
    from backfill_codegen.route_files import RouteFile

MANIFEST_NAMES = (
    "backfill.config.ts",
    "backfill.config.json",
    "backfill.config.yaml",
    "backfill.config.yml",
)
_FRONTENDS = {".ts": "typescript", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
#: backfill_codegen.route_files.discovery.API_DIR, repeated so that a manifest without route files
#: never
#: loads the route-file rules and tree-sitter (tests/test_lazy_imports.py keeps the two equal).
_API_DIR = ("src", "api")
_BOM = b"\xef\xbb\xbf"
#: Errors `generate` repairs by writing a stub, so they do not stop it.
SCAFFOLDED = frozenset({"BF701"})


class UsageError(Exception):
    """A problem with how the compiler was called (a missing path, an unknown format): exit 2."""


@dataclass
class ManifestResult:
    path: FsPath
    source: SourceFile
    document: LocatedDocument | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The route files under `src/api/` beside the manifest (connector-directory mode).
    route_files: tuple[RouteFile, ...] = ()

    @property
    def manifest(self) -> Any:
        return None if self.document is None else self.document.value

    @property
    def has_errors(self) -> bool:
        """Whether an error stops `generate`: every error but a declared route's missing file
        (BF701), which `generate` itself scaffolds. `check` counts every error."""
        return any(d.severity == "error" and d.code not in SCAFFOLDED for d in self.diagnostics)


def display_path(path: FsPath) -> str:
    """The path as users see it: relative to the working directory when inside it, `/`-separated.
    The last component is never resolved: a symlinked manifest is shown as the link, not as
    where it leads (os.path.realpath: Path.resolve raises on a symlink loop)."""
    real = FsPath(os.path.realpath(path.parent)) / path.name
    try:
        return real.relative_to(os.path.realpath(FsPath.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def read_source(path: FsPath, display: str) -> tuple[SourceFile, list[Diagnostic]]:
    """The decoded text, or an empty SourceFile and a located diagnostic saying why not.

    The manifest's connector directory is the folder holding it: a manifest that is a symlink
    leading out of that folder is not opened (BF009), and one that is not a regular file is
    not read (BF010); neither diagnostic shows a byte of what the link points to."""
    try:
        data = safe_read.read_bounded(path, limits.MAX_MANIFEST_BYTES, path.parent)
    except safe_read.Outside:
        return _not_read(display, "BF009")
    except safe_read.NotRegular:
        return _not_read(display, "BF010")
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror or error}") from error
    if len(data) > limits.MAX_MANIFEST_BYTES:
        source = SourceFile(display, "")
        return source, [
            Diagnostic.make(
                "BF006",
                f"the manifest is larger than {limits.MAX_MANIFEST_BYTES // (1024 * 1024)} MiB",
                Label(source, Span(0, 0)),
            )
        ]
    if data.startswith(_BOM):
        data = data[len(_BOM) :]  # editors on Windows write one; it is not part of the text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        source = SourceFile(display, data.decode("utf-8", "replace"))
        offset = len(data[: error.start].decode("utf-8", "replace"))
        return source, [
            Diagnostic.make(
                "BF002",
                f"the manifest is not UTF-8: byte 0x{data[error.start]:02x} at byte offset "
                f"{error.start} cannot start or continue a character",
                Label(source, Span(offset, offset + 1)),
                help="save the file as UTF-8",
            )
        ]
    source = SourceFile(display, text)
    nul = text.find("\0")
    if nul >= 0:
        return source, [
            Diagnostic.make(
                "BF002",
                "the manifest holds a NUL character: this looks like a binary file",
                Label(source, Span(nul, nul + 1)),
            )
        ]
    return source, []


_NOT_READ = {
    "BF009": (
        "the manifest is a symlink that points outside its connector directory; it is not read",
        "copy the manifest into the connector directory (the folder that holds it)",
    ),
    "BF010": (
        "the manifest is not a regular file (a dangling symlink, a symlink loop, a folder, a "
        "device or a pipe); it is not read",
        "make it a regular file, or a symlink to one inside the connector directory",
    ),
}


def _not_read(display: str, code: str) -> tuple[SourceFile, list[Diagnostic]]:
    """An empty source and the located reason: nothing of the file's target is shown."""
    source = SourceFile(display, "")
    message, help_ = _NOT_READ[code]
    return source, [Diagnostic.make(code, message, Label(source, Span(0, 0)), help=help_)]


def parse(source: SourceFile, suffix: str) -> FrontendResult:
    module = importlib.import_module(f"backfill_codegen.frontends.{_FRONTENDS[suffix]}")
    return module.parse(source)


def _overlaps(read: Path, broken: Path) -> bool:
    length = min(len(read), len(broken))
    return read[:length] == broken[:length]


def resolve(document: LocatedDocument, findings: Iterable[Finding]) -> list[Diagnostic]:
    """Findings located by path -> diagnostics located by span."""
    diagnostics = []
    for finding in findings:
        primary = Label(document.source, document.span(finding.at), finding.at.message)
        secondary = tuple(
            Label(document.source, document.span(pointer), pointer.message)
            for pointer in finding.related
        )
        diagnostics.append(
            Diagnostic.make(
                finding.code, finding.message, primary, secondary=secondary, help=finding.help
            )
        )
    return diagnostics


def check_manifest(path: FsPath) -> ManifestResult:
    """Every diagnostic for one manifest file."""
    from backfill_codegen.checks import ALL_CHECKS
    from backfill_codegen.checks.structure import check_shape

    display = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in _FRONTENDS:
        raise UsageError(f"{display}: not a manifest (expected .ts, .json, .yaml or .yml)")
    source, diagnostics = read_source(path, display)
    result = ManifestResult(path, source, diagnostics=diagnostics)
    if diagnostics:
        return result
    parsed = parse(source, suffix)
    result.diagnostics.extend(parsed.diagnostics)
    document = parsed.document
    if document is None:
        return result
    result.document = document
    findings, broken = check_shape(document.value)
    for check in ALL_CHECKS if isinstance(document.value, dict) else ():
        if any(_overlaps(read, bad) for read in check.reads for bad in broken):
            continue
        findings.extend(check.run(document.value))
    result.diagnostics.extend(resolve(document, findings))
    if isinstance(document.value, dict):
        bad = [*broken, *_error_paths(findings)]
        _check_route_files(result, document, bad, parsed.diagnostics)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _error_paths(findings: list[Finding]) -> list[Path]:
    if not findings:
        return []  # a clean manifest never loads the rule registry
    from backfill_codegen.diagnostics.model import Severity
    from backfill_codegen.diagnostics.registry import rule

    return [f.at.path for f in findings if rule(f.code).severity == Severity.ERROR]


def _check_route_files(
    result: ManifestResult,
    document: LocatedDocument,
    bad: list[Path],
    read_errors: list[Diagnostic],
) -> None:
    """Connector-directory mode: the route files beside the manifest, read only where the
    manifest parts the rules compare them with have no error."""
    if not result.path.parent.joinpath(*_API_DIR).is_dir():
        return  # what `analyze` finds there: nothing
    from backfill_codegen.route_files import analyze

    analysis = analyze(result.path, document, bad, read_errors)
    result.diagnostics.extend(analysis.diagnostics)
    result.route_files = analysis.files


def find_manifests(paths: Iterable[FsPath]) -> list[FsPath]:
    """Manifest files named by the arguments: files as given, directories searched recursively.

    Hidden folders, `node_modules` and symlinked folders are not entered. Two manifests in one
    folder are ambiguous and a usage error.
    """
    found: list[FsPath] = []
    for path in paths:
        if path.is_file() or (path.is_symlink() and path.name in MANIFEST_NAMES):
            found.append(path)
            continue
        if not path.is_dir():
            raise UsageError(f"{path.as_posix()}: no such file or directory")
        before = len(found)
        found.extend(_search(path))
        if len(found) == before:
            raise UsageError(
                f"{path.as_posix()}: no manifest found (looked for {', '.join(MANIFEST_NAMES)})"
            )
    # Deduplicated by the link's own location, never its target's: two symlinks to one file
    # are two manifests (each judged on where it leads), and a loop cannot raise here.
    unique = {os.path.join(os.path.realpath(p.parent), p.name): p for p in found}
    return sorted(unique.values(), key=lambda p: p.as_posix())


def _search(root: FsPath) -> list[FsPath]:
    found = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        # A manifest-named symlink is found whatever it points to, so that one leading out of
        # the connector (BF009) or nowhere (BF010) is reported rather than silently skipped.
        here = [e for e in entries if e.name in MANIFEST_NAMES and (e.is_symlink() or e.is_file())]
        if len(here) > 1:
            names = ", ".join(e.name for e in here)
            raise UsageError(f"{folder.as_posix()}: more than one manifest ({names}); keep one")
        found.extend(here)
        for entry in entries:
            skip = entry.name.startswith(".") or entry.name in ("node_modules", "__pycache__")
            if not skip and entry.is_dir() and not entry.is_symlink():
                pending.append(entry)
    return found
