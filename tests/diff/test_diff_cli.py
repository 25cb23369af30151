"""`diff` through the command line: every output format, --select/--ignore, explain, and a side
with check errors stopping the comparison."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backfill_codegen.diagnostics.model import Rule
from backfill_codegen.rules import diff as diff_rules
from tests.support.golden_support import run_cli as run
from tests.support.paths import ROOT

CASE = ROOT / "golden" / "diff" / "bf803-enum-value-removed"


def test_json_fields_are_checks() -> None:
    status, stdout, _ = run(["diff", "old", "new", "--format", "json"], CASE)
    (found,) = json.loads(stdout)
    assert status == 1
    assert set(found) == {
        "code", "severity", "message", "file", "line", "column", "end_line", "end_column", "help",
    }  # fmt: skip
    assert (found["code"], found["file"], found["line"]) == (
        "BF803",
        "new/backfill.config.json",
        29,
    )


def test_sarif_and_github_formats() -> None:
    _, stdout, _ = run(["diff", "old", "new", "--format", "sarif"], CASE)
    sarif = json.loads(stdout)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "BF803"
    _, stdout, _ = run(["diff", "old", "new", "--format", "github"], CASE)
    assert stdout.startswith("::error file=new/backfill.config.json,line=29")


@pytest.mark.parametrize(
    ("option", "status"), [(["--ignore", "BF803"], 0), (["--select", "BF82"], 0), ([], 1)]
)
def test_select_and_ignore(option: list[str], status: int) -> None:
    assert run(["diff", "old", "new", *option], CASE)[0] == status


@pytest.mark.parametrize("rule", diff_rules.RULES, ids=[r.code for r in diff_rules.RULES])
def test_every_rule_is_explained(rule: Rule) -> None:
    status, stdout, _ = run(["explain", rule.code], ROOT)
    assert status == 0 and rule.name in stdout


def test_a_side_with_check_errors_is_reported_and_not_compared(tmp_path: Path) -> None:
    shutil.copytree(CASE, tmp_path / "case")
    old = tmp_path / "case" / "old" / "backfill.config.json"
    old.write_text(old.read_text().replace('"name": "acme"', '"name": "acme", "nmae": 1'))
    status, stdout, _ = run(["diff", "old", "new", "--format", "concise"], tmp_path / "case")
    assert status == 1
    assert "BF102" in stdout and "BF803" not in stdout
