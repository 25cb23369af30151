"""Runs the stages for one manifest: read -> front end -> shape -> semantic checks -> diagnostics.

A semantic check runs whenever the paths it reads are structurally valid, so one bad field never
hides problems elsewhere. Nothing here raises for a user's mistake; problems travel as values.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backfill_codegen import derived, limits, overlay, safe_read
from backfill_codegen.checks import ALL_CHECKS
from backfill_codegen.checks.base import Check
from backfill_codegen.checks.structure import check_shape
from backfill_codegen.diagnostics.model import Diagnostic, Finding, JsonPath, Label, Rule, Severity
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends.base import FrontendResult, LocatedDocument
from backfill_codegen.rules.route_files import MISSING_ROUTE_FILE
from backfill_codegen.rules.source import (
    INVALID_ENCODING,
    MANIFEST_NOT_A_FILE,
    MANIFEST_SYMLINK_OUTSIDE,
    TOO_COMPLEX,
)
from backfill_codegen.source import SourceFile, Span
from backfill_codegen.workspace import API_DIR, UsageError, display_path

if TYPE_CHECKING:
    from backfill_codegen.route_files import RouteFile

_FRONTENDS = {".ts": "typescript", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_BOM = b"\xef\xbb\xbf"
#: Errors `generate` repairs by writing a stub, so they do not stop it.
SCAFFOLDED = frozenset({MISSING_ROUTE_FILE.code})


@dataclass
class ManifestResult:
    path: Path
    source: SourceFile
    document: LocatedDocument | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The route files under `src/api/` beside the manifest (docs/route-files.md).
    route_files: tuple[RouteFile, ...] = ()

    @property
    def manifest(self) -> Any:
        return None if self.document is None else self.document.value

    @property
    def has_errors(self) -> bool:
        """Whether an error stops `generate`: every error but a declared route's missing file
        (BF701), which `generate` itself scaffolds. `check` counts every error."""
        return any(d.severity == "error" and d.code not in SCAFFOLDED for d in self.diagnostics)


def read_source(
    path: Path, display: str, data: bytes | None = None
) -> tuple[SourceFile, list[Diagnostic]]:
    """The decoded text, or an empty SourceFile and a located diagnostic saying why not.
    `data`: the file's bytes, already read from it as below (generate's cache hashed them).

    The manifest's connector directory is the folder holding it: a manifest that is a symlink
    leading out of that folder is not opened (BF009), and one that is not a regular file is
    not read (BF010); neither diagnostic shows a byte of what the link points to."""
    try:
        if data is None:
            data = safe_read.read_bounded(path, limits.MAX_MANIFEST_BYTES, path.parent)
    except safe_read.Outside:
        return _not_read(display, MANIFEST_SYMLINK_OUTSIDE)
    except safe_read.NotRegular:
        return _not_read(display, MANIFEST_NOT_A_FILE)
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror or error}") from error
    if len(data) > limits.MAX_MANIFEST_BYTES:
        source = SourceFile(display, "")
        return source, [
            make_diagnostic(
                TOO_COMPLEX,
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
            make_diagnostic(
                INVALID_ENCODING,
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
            make_diagnostic(
                INVALID_ENCODING,
                "the manifest holds a NUL character: this looks like a binary file",
                Label(source, Span(nul, nul + 1)),
            )
        ]
    return source, []


_NOT_READ = {
    MANIFEST_SYMLINK_OUTSIDE: (
        "the manifest is a symlink that points outside its connector directory; it is not read",
        "copy the manifest into the connector directory (the folder that holds it)",
    ),
    MANIFEST_NOT_A_FILE: (
        "the manifest is not a regular file (a dangling symlink, a symlink loop, a folder, a "
        "device or a pipe); it is not read",
        "make it a regular file, or a symlink to one inside the connector directory",
    ),
}


def _not_read(display: str, rule: Rule) -> tuple[SourceFile, list[Diagnostic]]:
    """An empty source and the located reason: nothing of the file's target is shown."""
    source = SourceFile(display, "")
    message, help_ = _NOT_READ[rule]
    return source, [make_diagnostic(rule, message, Label(source, Span(0, 0)), help=help_)]


def parse(source: SourceFile, suffix: str) -> FrontendResult:
    module = importlib.import_module(f"backfill_codegen.frontends.{_FRONTENDS[suffix]}")
    return module.parse(source)


def _overlaps(read: JsonPath, broken: JsonPath) -> bool:
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
            make_diagnostic(
                finding.rule, finding.message, primary, secondary=secondary, help=finding.help
            )
        )
    return diagnostics


def check_manifest(
    path: Path, skip: frozenset[str] = frozenset(), *, data: bytes | None = None
) -> ManifestResult:
    """Every diagnostic for one manifest file (`data`: its bytes, when already read). The checks
    named in `skip` (their rules are all deselected: `--select`/`--ignore`) do not run, unless an
    error of theirs could change what the route files beside the manifest are compared with, or
    they report a rule that explains others (derived.py); the diagnostics kept are the same."""
    display = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in _FRONTENDS:
        raise UsageError(f"{display}: not a manifest (expected .ts, .json, .yaml or .yml)")
    source, diagnostics = read_source(path, display, data)
    result = ManifestResult(path, source, diagnostics=diagnostics)
    if diagnostics:
        return result
    parsed = parse(source, suffix)
    result.diagnostics.extend(parsed.diagnostics)
    document = parsed.document
    if document is None:
        return result
    result.document = document
    skip -= derived.explaining_checks()
    diagnostics, findings, files = _diagnose(path, document, parsed.diagnostics, skip)
    found = derived.explanations(document, findings)
    # resolve() made one diagnostic per finding, in order: where each points in the manifest
    places = {
        derived.key(d): (f.at.path, *(p.path for p in f.related))
        for f, d in zip(findings, diagnostics, strict=False)
    }
    result.diagnostics.extend(
        derived.suppress(
            diagnostics,
            found,
            lambda meant: _diagnose(path, meant, parsed.diagnostics, skip)[0],
            places,
        )
    )
    result.route_files = files
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _diagnose(
    path: Path, document: LocatedDocument, read_errors: list[Diagnostic], skip: frozenset[str]
) -> tuple[list[Diagnostic], list[Finding], tuple[RouteFile, ...]]:
    """The semantic diagnostics of one read document (and of the route files beside it), the
    findings they came from, and the route files read."""
    findings, broken = check_shape(document.value)
    beside = _has_route_files(path)
    if skip and beside:
        skip = _safe_to_skip(skip)
    for check in ALL_CHECKS if isinstance(document.value, dict) else ():
        if check.name in skip or any(
            _overlaps(read, bad) for read in check.reads for bad in broken
        ):
            continue
        findings.extend(check.run(document.value))
    diagnostics = resolve(document, findings)
    files: tuple[RouteFile, ...] = ()
    if isinstance(document.value, dict) and beside:
        bad = [*broken, *_error_paths(findings)]
        # start-up: the route-file rules and tree-sitter load only beside a src/api/ folder
        from backfill_codegen.route_files import analyze

        analysis = analyze(path, document, bad, read_errors)
        diagnostics.extend(analysis.diagnostics)
        files = analysis.files
    return diagnostics, findings, files


def _has_route_files(path: Path) -> bool:
    """Connector-directory mode: a `src/api/` folder beside the manifest (without one, what
    `analyze` would find is nothing)."""
    return path.parent.joinpath(*API_DIR).is_dir()


def _safe_to_skip(skip: frozenset[str]) -> frozenset[str]:
    """The checks of `skip` whose errors cannot keep a route file from being compared with the
    manifest: skipping them changes no route-file diagnostic."""
    # start-up: the route-file rules and tree-sitter load only beside a src/api/ folder
    from backfill_codegen.route_files import READS

    def harmless(check: Check) -> bool:
        touches = any(_overlaps(read, route) for read in check.reads for route in READS)
        return not (check.may_fail and touches)

    return frozenset(check.name for check in ALL_CHECKS if check.name in skip and harmless(check))


def check_text(path: Path, text: str, others: Mapping[Path, str] | None = None) -> ManifestResult:
    """`check_manifest` on the text an editor holds for `path` (it need not exist on disk),
    and on `others`: route files held unsaved. One code path: the same reads, the same checks."""
    with overlay.editing({path: text, **(others or {})}):
        return check_manifest(path)


def _error_paths(findings: list[Finding]) -> list[JsonPath]:
    return [f.at.path for f in findings if f.rule.severity == Severity.ERROR]
