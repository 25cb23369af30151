"""One line per diagnostic, `path:line:col: CODE [severity] message`, then the summary."""

from __future__ import annotations

from collections.abc import Sequence

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.render.display import visible
from backfill_codegen.diagnostics.render.locate import locate
from backfill_codegen.diagnostics.render.style import BOLD, Style
from backfill_codegen.diagnostics.render.summary import summary_line


def render_line(diagnostic: Diagnostic, paint: Style) -> str:
    code = paint.severity(diagnostic.code, diagnostic.severity)
    text = f"{code} [{diagnostic.severity.value}] {visible(diagnostic.message)}"
    if diagnostic.primary is None:
        return text
    where = locate(diagnostic.primary)
    place = paint.paint(f"{visible(where.path)}:{where.line}:{where.column}:", BOLD)
    return f"{place} {text}"


def render_concise(diagnostics: Sequence[Diagnostic], paint: Style) -> str:
    lines = [render_line(diagnostic, paint) for diagnostic in diagnostics]
    return "".join(line + "\n" for line in lines) + summary_line(diagnostics) + "\n"
