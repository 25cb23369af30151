"""The compiler's Diagnostic -> an LSP Diagnostic: same code, same span, the help in the message,
secondary labels as related information, and a link to the rule's documentation."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from backfill_codegen.diagnostics.model import Diagnostic, Label
from backfill_codegen.lsp.positions import range_of

#: The README's rules table (also the package's page on PyPI); `initializationOptions.rulesUrl`
#: points it elsewhere.
RULES_URL = "https://pypi.org/project/backfill-codegen/#rules"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def file_of(label: Label, root: Path) -> Path:
    """The absolute file a label is in: display paths are relative to the working directory."""
    return (root / label.source.path).absolute()


def to_lsp(diagnostic: Diagnostic, root: Path, rules_url: str = RULES_URL) -> types.Diagnostic:
    assert diagnostic.primary is not None
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(file_of(label, root).as_uri(), range_of(label.source, label.span)),
            label.message or "related",
        )
        for label in diagnostic.secondary
    ]
    message = diagnostic.message
    if diagnostic.primary.message:
        message += f" ({diagnostic.primary.message})"
    if diagnostic.help:
        message += f"\nhelp: {diagnostic.help}"
    return types.Diagnostic(
        range=range_of(diagnostic.primary.source, diagnostic.primary.span),
        message=message,
        severity=_SEVERITY[diagnostic.severity.value],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=f"{rules_url}"),
        source="backfill-codegen",
        related_information=related or None,
    )
