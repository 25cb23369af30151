"""Diagnostics to text, one module per `--format`.

`render(diagnostics, format, color=...)` takes the diagnostics in the order the pipeline sorted
them. Only `full` and `concise` end with a summary line and only they can be coloured; the machine
formats (json, github, sarif) print their data and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.render.summary import summary_line

FORMATS = ("full", "concise", "json", "github", "sarif")


def render(diagnostics: Sequence[Diagnostic], format: str, *, color: bool) -> str:
    if not diagnostics and format in ("full", "concise"):
        # What both print for a clean run, without loading the code-frame machinery.
        return summary_line(diagnostics) + "\n"
    # start-up: styles load only when there is something to show
    from backfill_codegen.diagnostics.render.style import Style

    paint = Style(color)
    if format == "full":
        # start-up: only the chosen format loads
        from backfill_codegen.diagnostics.render.full import render_full

        return render_full(diagnostics, paint)
    if format == "concise":
        # start-up: only the chosen format loads
        from backfill_codegen.diagnostics.render.concise import render_concise

        return render_concise(diagnostics, paint)
    if format == "json":
        # start-up: only the chosen format loads
        from backfill_codegen.diagnostics.render.json import render_json

        return render_json(diagnostics)
    if format == "github":
        # start-up: only the chosen format loads
        from backfill_codegen.diagnostics.render.github import render_github

        return render_github(diagnostics)
    if format == "sarif":
        # start-up: only the chosen format loads
        from backfill_codegen.diagnostics.render.sarif import render_sarif

        return render_sarif(diagnostics)
    raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]
