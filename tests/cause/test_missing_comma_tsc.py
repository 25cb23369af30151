"""A missing comma in a TS manifest is reported where the real `tsc` reports `',' expected`.

Every golden TypeScript manifest, with ONE comma removed at each position in turn; one tsc run
over all of them; where tsc finds a syntax error, our BF001 starts at tsc's line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

from backfill_codegen.frontends.ts_commas import leaves
from backfill_codegen.frontends.ts_static import prepare
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.source import SourceFile
from tests.support.tsc_support import run_tsc

ROOT = Path(__file__).resolve().parents[2]
_ERROR = re.compile(r"^(?P<file>[^(]+)\((?P<line>\d+),(?P<column>\d+)\): error (?P<code>TS\d+)")


def _variants(folder: Path) -> list[str]:
    """One manifest per comma token of each golden TS manifest, that comma removed."""
    names = []
    for manifest in sorted((ROOT / "golden").glob("*/backfill.config.ts")):
        text = manifest.read_text(encoding="utf-8")
        root, _ = prepare(SourceFile(manifest.name, text))
        data = text.encode("utf-8")
        for comma in (leaf for leaf in leaves(root) if leaf.type == ","):
            broken = data[: comma.start_byte] + data[comma.end_byte :]
            name = f"{manifest.parent.name}-{comma.start_byte}/backfill.config.ts"
            (folder / name).parent.mkdir()
            (folder / name).write_bytes(broken)
            names.append(name)
    return names


def test_missing_comma_is_reported_where_tsc_reports_it(tmp_path: Path) -> None:
    names = _variants(tmp_path)
    output = run_tsc(tmp_path, names, noResolve=True, types=[]).output
    first: dict[str, tuple[int, int, str]] = {}
    for line in output.splitlines():
        match = _ERROR.match(line)
        if match and match["code"].startswith("TS1"):  # syntax errors only (TS1xxx)
            first.setdefault(match["file"], (int(match["line"]), int(match["column"]), line))
    compared = 0
    for name in names:
        diagnostics = check_manifest(tmp_path / name).diagnostics
        ours = [d for d in diagnostics if d.code == "BF001"]
        if name not in first:
            assert not ours, (name, ours[0].message)  # a trailing comma: both accept it
            continue
        line, column, said = first[name]
        assert ours, (name, said)
        label = ours[0].primary
        assert label is not None
        position = label.source.position(label.span.start)
        assert (position.line, position.column) == (line, column), (name, said, ours[0].message)
        assert ours[0].message == "`,` expected"
        compared += 1
    assert compared >= 50  # the goldens hold that many commas whose removal tsc refuses
