"""One test per golden/<case>: `check` gives exactly expected/diagnostics.txt (text and exit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.support.paths import GOLDEN
from tests.support.golden_support import check_output, compare

from backfill_codegen.diagnostics.registry import all_rules

# golden/fix/ holds --fix cases (tests/fix/) and golden/diff/ `diff`'s old/new pairs
# (tests/diff/test_diff_golden.py), not `check` cases
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name not in ("fix", "diff"))
DIFF_EXPECTED = sorted((GOLDEN / "diff").glob("*/expected.txt"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_diagnostics(case: Path, update_golden: bool) -> None:
    compare(case / "expected" / "diagnostics.txt", check_output(case), update_golden)


def test_every_rule_has_a_golden_case() -> None:
    seen: set[str] = set()
    for case in CASES:
        expected = case / "expected" / "diagnostics.txt"
        if expected.exists():
            seen.update(re.findall(r"\[(BF\d{3})\]", expected.read_text(encoding="utf-8")))
    for expected in DIFF_EXPECTED:
        seen.update(re.findall(r"\[(BF\d{3})\]", expected.read_text(encoding="utf-8")))
    missing = sorted(set(all_rules()) - seen)
    assert not missing, f"rules with no golden case: {missing}"


def test_every_golden_case_names_real_rules() -> None:
    for case in CASES:
        expected = case / "expected" / "diagnostics.txt"
        if expected.exists():
            for code in re.findall(r"\[(BF\d{3})\]", expected.read_text(encoding="utf-8")):
                assert code in all_rules(), f"{case.name}: unknown code {code}"
