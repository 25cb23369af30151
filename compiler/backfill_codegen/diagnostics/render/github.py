"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

Columns are the same exclusive end columns as the JSON format (ruff does the same). The help
follows the message after a line break. Messages are made visible first (bidi overrides would
reorder the annotation on the pull request too), then escaped as the runner requires.
"""

from __future__ import annotations

from collections.abc import Sequence

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.registry import all_rules
from backfill_codegen.diagnostics.render.display import visible
from backfill_codegen.diagnostics.render.locate import locate


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_command(diagnostic: Diagnostic) -> str:
    properties: list[tuple[str, str]] = []
    if diagnostic.primary is not None:
        where = locate(diagnostic.primary)
        properties += [
            ("file", where.path),
            ("line", str(where.line)),
            ("col", str(where.column)),
            ("endLine", str(where.end_line)),
            ("endColumn", str(where.end_column)),
        ]
    known = all_rules().get(diagnostic.code)
    properties.append(("title", f"{diagnostic.code} {known.name}" if known else diagnostic.code))
    message = visible(diagnostic.message)
    if diagnostic.help is not None:
        message += "\nhelp: " + "\n".join(visible(part) for part in diagnostic.help.split("\n"))
    fields = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{diagnostic.severity.value} {fields}::{escape_data(message)}"


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(render_command(diagnostic) + "\n" for diagnostic in diagnostics)
