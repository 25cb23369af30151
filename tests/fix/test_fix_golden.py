"""golden/fix/<case>: `check --diff` (expected/diff.txt), then `check --fix` (expected/after/,
the manifest as fixed) and what `check` still reports (expected/remaining.txt)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from backfill_codegen.diagnostics.explain import explain_rule
from backfill_codegen.diagnostics.registry import all_rules
from backfill_codegen.fixes import MAKERS
from tests.support.golden_support import compare, run_cli
from tests.support.paths import ROOT

CASES = sorted(path for path in (ROOT / "golden" / "fix").iterdir() if path.is_dir())


def _copy(case: Path, to: Path) -> Path:
    shutil.copytree(case, to, ignore=lambda folder, _: ["expected"] if folder == str(case) else [])
    return to


def _run(args: list[str], cwd: Path) -> str:
    status, out, err = run_cli(args, cwd)
    return f"{out}{err}exit status: {status}\n"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fix_golden(case: Path, tmp_path: Path, update_golden: bool) -> None:
    work = _copy(case, tmp_path / case.name)
    before = {p.name: p.read_bytes() for p in work.glob("backfill.config.*")}
    compare(case / "expected" / "diff.txt", _run(["check", "--diff"], work), update_golden)
    assert {p.name: p.read_bytes() for p in work.glob("backfill.config.*")} == before
    _run(["check", "--fix"], work)
    for path in work.glob("backfill.config.*"):
        after = path.read_bytes().decode("utf-8")
        compare(case / "expected" / "after" / path.name, after, update_golden)
    compare(case / "expected" / "remaining.txt", _run(["check"], work), update_golden)


def test_every_fixable_rule_has_a_maker_and_a_golden_case() -> None:
    fixable = {code for code, rule in all_rules().items() if rule.fix}
    assert fixable == set(MAKERS)
    fixed: set[str] = set()
    for case in CASES:
        diff = case / "expected" / "diff.txt"
        _, out, _ = run_cli(["check", "--format", "concise"], case)
        if diff.read_text(encoding="utf-8").startswith("---"):
            fixed.update(re.findall(r"\b(BF\d{3})\b", out))
    assert fixable <= fixed, sorted(fixable - fixed)


def test_explain_says_what_the_fix_does() -> None:
    for rule in all_rules().values():
        assert ("Fixable:" in explain_rule(rule)) == bool(rule.fix)
