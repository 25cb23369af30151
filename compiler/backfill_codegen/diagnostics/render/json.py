"""`--format json`: one JSON array and nothing else.

Each object has exactly the keys code, severity, message, file, line, column, end_line,
end_column, help, in that order. Lines and columns are 1-based and count code points the way
editors do; `end_line`/`end_column` are exclusive (the position just after the span), like ruff's
`end_location`, so an empty span has end == start. `file`, the positions and `help` are null when
absent. Non-ASCII is \\u-escaped: the bytes are the same whatever the terminal's encoding.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.render.locate import locate


def to_object(diagnostic: Diagnostic) -> dict[str, Any]:
    where = locate(diagnostic.primary) if diagnostic.primary else None
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": where.path if where else None,
        "line": where.line if where else None,
        "column": where.column if where else None,
        "end_line": where.end_line if where else None,
        "end_column": where.end_column if where else None,
        "help": diagnostic.help,
    }


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([to_object(d) for d in diagnostics], indent=2, ensure_ascii=True) + "\n"
