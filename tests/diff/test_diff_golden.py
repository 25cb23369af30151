"""One test per golden/diff/<case>: `diff old new` gives exactly the case's `expected` (text
and exit status). Cases named `bfNNN-...` show their rule; `ok-...` cases must report nothing."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest

from backfill_codegen.diagnostics.registry import all_rules
from backfill_codegen.resources import example_dir
from backfill_codegen.rules import diff as diff_rules
from tests.support.golden_support import run_cli as run
from tests.support.paths import ROOT

CASES = sorted(p for p in (ROOT / "golden" / "diff").iterdir() if p.is_dir())


def _folder(case: Path, tmp: Path) -> Path:
    """The case itself, or a copy whose `old/` is the bundled example when it holds an
    `EXAMPLE` marker (so the example is not copied into golden/)."""
    if not (case / "old" / "EXAMPLE").exists():
        return case
    copy = tmp / case.name
    shutil.copytree(case, copy)
    (copy / "old" / "EXAMPLE").unlink()
    shutil.copy(example_dir() / "backfill.config.ts", copy / "old")
    return copy


def _output(case: Path) -> str:
    status, stdout, stderr = run(["diff", "old", "new"], case)
    assert stderr == "", stderr
    return f"{stdout}exit status: {status}\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diff_golden(case: Path, update_golden: bool, tmp_path: Path) -> None:
    actual, expected_file = _output(_folder(case, tmp_path)), case / "expected.txt"
    if update_golden:
        expected_file.write_text(actual, encoding="utf-8")
        return
    expected = expected_file.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True)))
    assert actual == expected, f"golden mismatch ({case.name}):\n{diff}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_shows_its_rule_and_no_other_error(case: Path, tmp_path: Path) -> None:
    status, stdout, _ = run(["diff", "old", "new", "--format", "json"], _folder(case, tmp_path))
    found = json.loads(stdout)
    if case.name.startswith("ok-"):
        assert (status, found) == (0, [])
        return
    wanted = case.name[:5].upper()
    assert wanted in {d["code"] for d in found}
    assert status == (1 if any(d["severity"] == "error" for d in found) else 0)


def test_every_diff_rule_has_a_golden_case() -> None:
    seen = set()
    for case in CASES:
        seen.update(re.findall(r"\[(BF8\d\d)\]", (case / "expected.txt").read_text("utf-8")))
    assert {r.code for r in diff_rules.RULES} <= seen
    assert seen <= set(all_rules())
