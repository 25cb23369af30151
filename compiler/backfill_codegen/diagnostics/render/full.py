"""The default format, rustc/ruff style: header, location, code frame with carets, help."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backfill_codegen.diagnostics.model import Diagnostic, Label
from backfill_codegen.diagnostics.render.display import display_path, visible
from backfill_codegen.diagnostics.render.locate import clamp
from backfill_codegen.diagnostics.render.snippet import snippet
from backfill_codegen.diagnostics.render.style import BLUE, BOLD, SEVERITY_SGR, Style
from backfill_codegen.diagnostics.render.summary import summary_line


@dataclass(frozen=True)
class _Row:
    """A source row (`number` set) or a marker row under it (`number` None)."""

    number: int | None
    text: str  # already styled
    elided: bool = False  # the `...` between the first and last line of a long span


@dataclass(frozen=True)
class _Frame:
    header: str  # "path:line:col"
    rows: tuple[_Row, ...]


def _marker(start: int, width: int, char: str, message: str, paint: Callable[[str], str]) -> str:
    marks = char * width
    return " " * start + paint(f"{marks} {message}" if message else marks)


def _frame(label: Label, primary: bool, paint: Style, severity_sgr: str) -> _Frame:
    source = label.source
    start, end = clamp(label)
    first = source.position(start)
    last = source.position(end)
    end_line, end_column = last.line, last.column
    if end_line > first.line and end_column == 1:
        # The span ends just after a line break: it really ends on the line before.
        end_line -= 1
        end_column = len(source.line_text(end_line)) + 1
    char = "^" if primary else "-"
    message = visible(label.message)

    def mark(text: str) -> str:
        return paint.paint(text, severity_sgr if primary else BLUE)

    rows: list[_Row] = []
    first_text = source.line_text(first.line)
    if end_line == first.line:
        shown = snippet(first_text, first.column - 1, end_column - 1)
        rows.append(_Row(first.line, shown.text))
        rows.append(_Row(None, _marker(shown.caret_start, shown.caret_width, char, message, mark)))
    else:
        shown = snippet(first_text, first.column - 1, len(first_text))
        rows.append(_Row(first.line, shown.text))
        rows.append(_Row(None, _marker(shown.caret_start, shown.caret_width, char, "", mark)))
        if end_line > first.line + 1:
            rows.append(_Row(None, "", elided=True))
        last_text = source.line_text(end_line)
        indent = len(last_text) - len(last_text.lstrip(" \t"))
        begin = indent if indent < end_column - 1 else 0
        shown = snippet(last_text, begin, end_column - 1)
        rows.append(_Row(end_line, shown.text))
        rows.append(_Row(None, _marker(shown.caret_start, shown.caret_width, char, message, mark)))
    return _Frame(f"{visible(display_path(source.path))}:{first.line}:{first.column}", tuple(rows))


def render_one(diagnostic: Diagnostic, paint: Style) -> str:
    severity = diagnostic.severity
    severity_sgr = SEVERITY_SGR[severity]
    lines = [
        f"{paint.severity(severity.value, severity)}[{paint.paint(diagnostic.code, BOLD)}]: "
        f"{visible(diagnostic.message)}"
    ]
    labels = [(diagnostic.primary, True)] if diagnostic.primary else []
    labels += [(label, False) for label in diagnostic.secondary]
    frames = [_frame(label, primary, paint, severity_sgr) for label, primary in labels]
    numbers = [row.number for frame in frames for row in frame.rows if row.number is not None]
    width = max((len(str(number)) for number in numbers), default=1)
    pad = " " * width
    bar = paint.paint("|", BLUE)
    empty = f"{pad} {bar}"

    for index, frame in enumerate(frames):
        arrow = "-->" if index == 0 and diagnostic.primary else ":::"
        if index:
            lines.append(empty)
        lines.append(f"{pad}{paint.paint(arrow, BLUE)} {frame.header}")
        lines.append(empty)
        for row in frame.rows:
            if row.elided:
                lines.append(paint.paint("...", BLUE))
            elif row.number is None:
                lines.append(f"{empty} {row.text}".rstrip())
            else:
                gutter = paint.paint(str(row.number).rjust(width), BLUE)
                lines.append(f"{gutter} {bar} {row.text}".rstrip())

    if diagnostic.help is not None:
        if frames:
            lines.append(empty)
        help_lines = [visible(part) for part in diagnostic.help.split("\n")]
        lead = f"{pad} {paint.paint('=', BLUE)} {paint.paint('help', BOLD)}: "
        lines.append(lead + help_lines[0])
        indent = " " * (width + len(" = help: "))
        lines.extend(f"{indent}{part}".rstrip() for part in help_lines[1:])
    return "\n".join(lines) + "\n"


def render_full(diagnostics: Sequence[Diagnostic], paint: Style) -> str:
    blocks = [render_one(diagnostic, paint) for diagnostic in diagnostics]
    return "".join(block + "\n" for block in blocks) + summary_line(diagnostics) + "\n"
