"""The diagnostic model, the rule registry and the renderers."""

from backfill_codegen.diagnostics.model import Diagnostic, Finding, Label, Pointer, Severity

__all__ = ["Diagnostic", "Finding", "Label", "Pointer", "Severity"]
