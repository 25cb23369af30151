"""Generate cases (golden/gen-*): the whole output tree and the scaffolded stubs, compared both
ways, and a second `generate --check` finds nothing stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.paths import GOLDEN
from tests.support.golden_support import case_source, compare_tree, run_cli, tree

from backfill_codegen.record import RECORD_NAME

CASES = sorted(path for path in GOLDEN.glob("gen-*") if path.is_dir())


def _connector_copy(case: Path, work: Path) -> Path:
    """The case's connector in a scratch folder: its own files, or the bundled example when the
    case holds an `EXAMPLE` marker."""
    target = work / case.name
    shutil.copytree(case_source(case), target, ignore=shutil.ignore_patterns("expected"))
    return target


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_generate(case: Path, tmp_path: Path, update_golden: bool) -> None:
    connector = _connector_copy(case, tmp_path)
    before = tree(connector / "src")
    status, stdout, stderr = run_cli(["generate", "."], connector)
    assert status == 0, stdout + stderr
    generated = tree(connector / "generated")
    generated.pop(RECORD_NAME, None)  # bookkeeping (hashes of the rest): tests/writer/test_ownership.py
    after = tree(connector / "src")
    assert all(after[path] == data for path, data in before.items()), "a route file was changed"
    scaffolded = {path: data for path, data in after.items() if path not in before}
    compare_tree(case / "expected" / "generated", generated, update_golden)
    compare_tree(case / "expected" / "scaffolded", scaffolded, update_golden)
    status, stdout, _ = run_cli(["generate", ".", "--check", "--no-cache"], connector)
    assert status == 0, f"generate is not idempotent:\n{stdout}"
