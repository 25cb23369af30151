"""`check --fix` / `--diff` and the language server's code actions: safe, minimal text edits.

`edits_for` turns one diagnostic into edits of its manifest (fixes/makers.py, one maker per
rule with a `fix`); `fix_manifest` gathers every diagnostic's edits and applies the ones that do
not overlap. Nothing here reads or writes a file: the driver does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.fixes.edits import Edit, apply, compatible, unified
from backfill_codegen.fixes.makers import MAKERS

if TYPE_CHECKING:
    from backfill_codegen.pipeline import ManifestResult

__all__ = ["MAKERS", "Edit", "apply", "edits_for", "fix_manifest", "unified"]


def edits_for(result: ManifestResult, diagnostic: Diagnostic) -> list[Edit]:
    """The manifest edits that fix `diagnostic`; [] when it has no safe fix."""
    maker = MAKERS.get(diagnostic.code)
    if maker is None or result.document is None:
        return []
    return maker(diagnostic, result)


def fix_manifest(result: ManifestResult, diagnostics: list[Diagnostic]) -> tuple[str, int]:
    """The manifest's text with the fixes of `diagnostics` applied, and how many diagnostics
    they fix. A diagnostic whose edits overlap another's waits for the next run."""
    taken: list[Edit] = []
    fixed = 0
    for diagnostic in diagnostics:
        found = edits_for(result, diagnostic)
        together = sorted({*taken, *found})
        if found and compatible(together) == together:
            taken = together
            fixed += 1
    return apply(result.source.text, taken), fixed
