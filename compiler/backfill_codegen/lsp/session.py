"""What the language server knows, without the protocol: the open texts, which connector each
file belongs to, and the last check of each connector (from `pipeline.check_text`, the one code
path `check` uses, with the unsaved texts in place of the files)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.pipeline import ManifestResult, check_text
from backfill_codegen.safe_read import inside
from backfill_codegen.workspace import API_DIR, MANIFEST_NAMES


def real(path: Path) -> Path:
    """The path with its folders resolved, not its last part: a symlink is named as the link,
    as `display_path` names it (its diagnostics belong to the link)."""
    return Path(os.path.realpath(path.parent)) / path.name


def manifest_of(path: Path, is_open: Callable[[Path], bool]) -> Path | None:
    """The manifest a file belongs to: itself, or the one beside the `src/api/` it lies under."""
    if path.name in MANIFEST_NAMES:
        return path
    for folder in path.parents:
        if inside(path, folder.joinpath(*API_DIR)):
            for name in MANIFEST_NAMES:
                candidate = folder / name
                if is_open(candidate) or candidate.is_file():
                    return candidate
    return None


@dataclass
class Checked:
    """One connector's last check: the result, and its diagnostics by (real) file."""

    result: ManifestResult
    by_file: dict[Path, list[Diagnostic]] = field(default_factory=dict)
    #: The last manifest text that parsed (this one's, or an earlier one's mid-edit).
    document: LocatedDocument | None = None


class Session:
    def __init__(self) -> None:
        self.texts: dict[Path, str] = {}  # real path -> the editor's text
        self.checked: dict[Path, Checked] = {}  # real manifest path -> its last check
        self.root = real(Path.cwd())  # display paths are relative to it

    def is_open(self, path: Path) -> bool:
        return real(path) in self.texts

    def text(self, path: Path) -> str | None:
        """The editor's text, else the file's, else None."""
        found = self.texts.get(real(path))
        if found is not None:
            return found
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def check(self, manifest: Path) -> Checked | None:
        """Check the connector with every open text of it; its diagnostics by file. The files
        it reported on before and not now get an empty list (their diagnostics are cleared)."""
        text = self.text(manifest)
        if text is None:
            return None
        others = {path: t for path, t in self.texts.items() if path != real(manifest)}
        result = check_text(manifest, text, others)
        before = self.checked.get(real(manifest))
        checked = Checked(result, document=result.document or (before and before.document))
        for path in before.by_file if before else ():
            checked.by_file[path] = []
        checked.by_file.setdefault(real(manifest), [])
        for path in self.texts:  # the connector's open route files: clean unless reported
            owner = manifest_of(path, self.is_open)
            if owner is not None and real(owner) == real(manifest):
                checked.by_file.setdefault(path, [])
        for diagnostic in result.diagnostics:
            if diagnostic.primary is None:
                continue
            path = real(self.root / diagnostic.primary.source.path)
            checked.by_file.setdefault(path, []).append(diagnostic)
        self.checked[real(manifest)] = checked
        return checked

    def at(self, path: Path) -> Checked | None:
        """The last check of the connector `path` belongs to."""
        manifest = manifest_of(path, self.is_open)
        return None if manifest is None else self.checked.get(real(manifest))
