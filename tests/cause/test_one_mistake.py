"""One mistake, one diagnostic (compiler/backfill_codegen/derived.py).

Property: mutating ONE key of a valid golden manifest (a typo in its name, a non-static value in
TypeScript, a value of the wrong type) yields diagnostics at ONE place: each one's primary label
lies in the manifest, inside the mutated member (its key and value), never elsewhere.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.pipeline import check_manifest

ROOT = Path(__file__).resolve().parents[2]

GOLDEN = ROOT / "golden"
#: Valid golden connectors (`check` passes), with the route files beside them.
VALID = sorted(
    case
    for case in GOLDEN.iterdir()
    if (case / "expected" / "diagnostics.txt").is_file()
    and "exit status: 0" in (case / "expected" / "diagnostics.txt").read_text()
    and not case.name.startswith(("bf", "gen-init"))
    and any(p.name.startswith("backfill.config.") for p in case.iterdir())
)
MARK = "\ue000not-static\ue000"
#: Keys whose names are the author's (setting names), not the platform's: renaming one is a
#: change of meaning that legitimately shows where the old name is used.
_NAMES = {"properties", "$defs", "definitions", "patternProperties", "dependentSchemas"}


def _manifest(case: Path) -> Path:
    return next(p for p in case.iterdir() if p.name.startswith("backfill.config."))


def _value(case: Path) -> Any:
    result = check_manifest(_manifest(case))
    assert result.document is not None and not result.has_errors, case.name
    return result.manifest


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(value, dict):
        for key, member in value.items():
            out.append((*path, key))
            if key not in _NAMES:
                out.extend(_paths(member, (*path, key)))
            else:
                for name, sub in member.items() if isinstance(member, dict) else ():
                    out.extend(_paths(sub, (*path, key, name)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*path, index)))
    return [p for p in out if isinstance(p[-1], str)]


def _typo(key: str, at: int) -> str:
    """Two neighbouring characters swapped (or, for a one-letter key, one doubled)."""
    if len(key) < 2:
        return key + key
    i = at % (len(key) - 1)
    swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    return swapped if swapped != key else key[:i] + key[i + 1 :]


def _parent(value: Any, path: tuple) -> Any:
    for step in path[:-1]:
        value = value[step]
    return value


def _other_type(found: Any) -> Any:
    return 7 if isinstance(found, str) else "seven"


def _check(case: Path, text: str, suffix: str):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / case.name
        if (case / "src").is_dir():
            shutil.copytree(case / "src", folder / "src")
        folder.mkdir(exist_ok=True)
        manifest = folder / f"backfill.config{suffix}"
        manifest.write_text(text)
        return check_manifest(manifest)


def _within(result, start: int, end: int) -> list[str]:
    outside = []
    for d in result.diagnostics:
        label = d.primary
        inside = label is not None and label.source.path.endswith(result.path.name)
        inside = inside and start <= label.span.start and label.span.end <= end
        if not inside:
            outside.append(f"{d.code} {d.message}")
    return outside


CASES = st.sampled_from(VALID)


@settings(deadline=None)
@given(case=CASES, pick=st.integers(0, 10_000), at=st.integers(0, 50), kind=st.integers(0, 2))
def test_one_mutated_key_gives_diagnostics_at_one_place(
    case: Path, pick: int, at: int, kind: int
) -> None:
    value = _value(case)
    paths = _paths(value)
    path = paths[pick % len(paths)]
    parent = _parent(value, path)
    key = path[-1]
    if kind == 0:  # a typo in the key's name
        typo = _typo(key, at)
        if typo in parent:
            return
        parent[typo] = parent.pop(key)
        result = _check(case, json.dumps(value, indent=2), ".json")
        where = (*path[:-1], typo)
    elif kind == 1:  # a value of the wrong type
        parent[key] = _other_type(parent[key])
        result = _check(case, json.dumps(value, indent=2), ".json")
        where = path
    else:  # a value the compiler cannot know, in TypeScript
        parent[key] = MARK
        text = "export default " + json.dumps(value, indent=2) + ";\n"
        text = text.replace(json.dumps(MARK), "process.env.X")
        result = _check(case, text, ".ts")
        spot = text.index(json.dumps(key) + ": process.env.X")
        assert not _within(result, spot, spot + len(json.dumps(key)) + 15), (path, kind)
        return
    document = result.document
    assert document is not None
    start = document.key_spans[where].start
    end = document.value_spans[where].end
    assert not _within(result, start, end), (case.name, path, kind)
