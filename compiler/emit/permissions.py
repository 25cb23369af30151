"""The permission tables: permissions.json, and permissions.py / permissions.ts (the entries as
data plus a matcher with exactly the semantics of compiler/urls.py, written out by hand in each
language: no regular expression is built from an entry, and no dependency is needed)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from compiler import ir
from compiler.emit.header import NOTICE
from compiler.emit.permissions_idna import IdnaRun, tables
from compiler.emit.templating import render

#: Code points a request URL may not hold before its query: what compiler/urls.py calls bad
#: characters (Python's str.isspace, C0 and C1 controls) and the backslash. Inclusive ranges,
#: all in the BMP; a test checks them against compiler/urls.py over every code point.
REFUSED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0020),
    (0x005C, 0x005C),
    (0x007F, 0x00A0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


@dataclass(frozen=True)
class _Run:
    first: str
    last: str
    mapping_py: str
    mapping_ts: str
    step: int


def emit(connector: ir.Connector) -> dict[str, str]:
    return {
        "permissions.json": permissions_json(connector),
        "permissions.py": _render("python/permissions.py.j2", connector),
        "permissions.ts": _render("typescript/permissions.ts.j2", connector),
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


def _hex(code: int) -> str:
    return f"0x{code:04X}"


def _py_ascii(text: str) -> str:
    """A Python literal in ASCII only (the tables' characters are often invisible)."""
    return ascii(text)


def _ts_ascii(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def _render(template: str, connector: ir.Connector) -> str:
    idna_tables = tables(entry.host for entry in connector.permissions)
    runs = [_run(run) for run in idna_tables.runs]
    max_input = idna_tables.max_input
    return render(
        template,
        connector=connector.name,
        entries=connector.permissions,
        unicode_hosts=[_py_ascii(host) for host in idna_tables.hosts],
        unicode_hosts_ts=[_ts_ascii(host) for host in idna_tables.hosts],
        a_labels=[(_py_ascii(u), _py_ascii(a)) for u, a in idna_tables.labels],
        a_labels_ts=[(_ts_ascii(u), _ts_ascii(a)) for u, a in idna_tables.labels],
        max_input=str(max_input),
        max_input_ts="null" if max_input is None else str(max_input),
        runs=runs,
        refused_ranges=[(_hex(first), _hex(last)) for first, last in REFUSED_RANGES],
    )


def _run(run: IdnaRun) -> _Run:
    return _Run(
        _hex(run.first), _hex(run.last), _py_ascii(run.mapping), _ts_ascii(run.mapping), run.step
    )
