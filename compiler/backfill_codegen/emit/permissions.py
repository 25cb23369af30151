"""The permission tables: permissions.json, and permissions.py / permissions.ts, each the matcher
runtime (backfill_codegen/runtime/permissions_runtime.py and .ts, real source that ruff, tsc and the
tests run on) included verbatim, with this connector's entries in place of its data section.
No regular expression is built from an entry, and no dependency is needed."""

from __future__ import annotations

import json
from functools import cache

from backfill_codegen import ir
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.emit.templating import render
from backfill_codegen.resources import data_dir

#: The runtime's data section lies between these lines (comments in both languages).
_DATA_START = "<data>\n"
_DATA_END = "</data>\n"


def emit(connector: ir.Connector) -> dict[str, str]:
    return {
        "permissions.json": permissions_json(connector),
        "permissions.py": _render("python/permissions.py.j2", "py", connector),
        "permissions.ts": _render("typescript/permissions.ts.j2", "ts", connector),
    }


def permissions_json(connector: ir.Connector) -> str:
    document = {
        "$comment": NOTICE,
        "connector": connector.name,
        "entries": [
            {
                "scheme": entry.scheme,
                "host": entry.host,
                "port": entry.port,
                "pathPattern": entry.path_pattern,
                "original": entry.original,
            }
            for entry in connector.permissions
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@cache
def runtime_parts(language: str) -> tuple[str, str]:
    """The runtime source before its data section, and after it (marker lines excluded)."""
    text = (data_dir("runtime") / f"permissions_runtime.{language}").read_text(encoding="utf-8")
    comment = "# " if language == "py" else "// "
    head, found, rest = text.partition(comment + _DATA_START)
    _data, found_end, tail = rest.partition(comment + _DATA_END)
    if not (found and found_end):  # a broken runtime file is our bug, not the user's input
        raise RuntimeError(f"permissions_runtime.{language} has no data section")
    return head, tail


def _render(template: str, language: str, connector: ir.Connector) -> str:
    head, tail = runtime_parts(language)
    return render(
        template, connector=connector.name, entries=connector.permissions, head=head, tail=tail
    )
