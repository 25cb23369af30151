"""Many connectors at once: golden/monorepo (three connectors, one broken) checked with any worker
count gives the same report, generate gives the same trees, and faults in workers exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen.resources import example_dir
from tests.support.golden_support import run_cli, tree
from tests.support.paths import GOLDEN, ROOT

MONOREPO = GOLDEN / "monorepo"


def _subprocess_cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """`python -m backfill_codegen ARGS` in a fresh process: real worker processes, real exit
    status."""
    completed = subprocess.run(
        [sys.executable, "-m", "backfill_codegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": str(ROOT / "compiler"),
            "NO_COLOR": "1",
            "PATH": os.environ.get("PATH", ""),
        },
        check=False,
        timeout=300,
    )
    return completed.returncode, completed.stdout, completed.stderr


def test_check_reports_the_broken_connector_and_exits_1() -> None:
    status, stdout, stderr = run_cli(["check", ".", "-j", "1"], MONOREPO)
    assert (status, stderr) == (1, "")
    located = {line.split()[-1].split(":")[0] for line in stdout.splitlines() if "-->" in line}
    assert located == {
        "connectors/beta/backfill.config.yaml",  # the broken one: errors
        "connectors/gamma/backfill.config.ts",  # a warning
    }
    assert stdout.endswith("Checked 3 connectors: 1 with errors, 1 with warnings, 1 clean.\n")


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "github", "sarif"])
def test_same_output_with_one_and_four_workers(output_format: str) -> None:
    args = ["check", ".", "--format", output_format]
    one = run_cli([*args, "-j", "1"], MONOREPO)
    four = _subprocess_cli([*args, "-j", "4"], MONOREPO)
    assert one == four
    assert one[0] == 1


def test_in_process_pool_matches_too() -> None:
    assert run_cli(["check", ".", "-j", "2"], MONOREPO) == run_cli(
        ["check", ".", "-j", "1"], MONOREPO
    )


def test_machine_formats_carry_no_summary_line() -> None:
    status, stdout, _ = run_cli(["check", ".", "--format", "json", "-j", "2"], MONOREPO)
    assert status == 1
    assert sorted({d["file"] for d in json.loads(stdout)}) == [
        "connectors/beta/backfill.config.yaml",
        "connectors/gamma/backfill.config.ts",
    ]


def test_one_connector_has_no_connectors_summary() -> None:
    status, stdout, _ = run_cli(["check", "connectors/alpha"], MONOREPO)
    assert (status, stdout) == (0, "All checks passed.\n")


def test_summary_follows_select_and_ignore() -> None:
    status, stdout, _ = run_cli(["check", ".", "--ignore", "BF1", "BF6"], MONOREPO)
    assert status == 0
    assert stdout.endswith("Checked 3 connectors: 0 with errors, 1 with warnings, 2 clean.\n")


def test_generate_with_errors_writes_nothing_with_workers(tmp_path: Path) -> None:
    shutil.copytree(MONOREPO, tmp_path / "mono", ignore=lambda *_: ["expected"])
    before = tree(tmp_path / "mono")
    status, stdout, stderr = run_cli(["generate", "-j", "2"], tmp_path / "mono")
    assert status == 1 and stdout == "" and "error[BF601]" in stderr
    assert tree(tmp_path / "mono") == before


def _generated_monorepo(root: Path) -> Path:
    """Every golden generate case, and the bundled example with its route files, as connectors
    of one monorepo."""
    for case in sorted(GOLDEN.glob("gen-*")):
        shutil.copytree(case, root / "connectors" / case.name, ignore=lambda *_: ["expected"])
    shutil.copytree(example_dir(), root / "connectors" / "stripe")
    return root


def test_generate_gives_the_same_trees_with_any_worker_count(tmp_path: Path) -> None:
    one = _generated_monorepo(tmp_path / "one")
    two = _generated_monorepo(tmp_path / "two")
    status, out_one, err = run_cli(["generate", "-j", "1"], one)
    assert status == 0, err
    status, out_two, err = _subprocess_cli(["generate", "-j", "2"], two)
    assert status == 0, err
    assert out_one == out_two
    assert tree(one) == tree(two)
    manifests = {p.split("/")[1] for p in tree(one) if "/backfill.config." in p}
    generated = {p.split("/")[1] for p in tree(one) if "/generated/" in p}
    assert len(manifests) >= 6 and generated == manifests


def test_generate_check_with_workers(tmp_path: Path) -> None:
    root = _generated_monorepo(tmp_path)
    assert run_cli(["generate", "-j", "1"], root)[0] == 0
    assert run_cli(["generate", "--check", "--no-cache", "-j", "2"], root) == (
        0,
        "Generated files are up to date.\n",
        "",
    )


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_jobs_must_be_a_positive_number(value: str) -> None:
    status, stdout, stderr = run_cli(["check", ".", "-j", value], MONOREPO)
    assert status == 2 and stdout == ""
    assert "expected a positive number of jobs" in stderr


def _explode(path: Path) -> object:
    raise RuntimeError(f"simulated bug while checking {path.name}")


def test_an_internal_fault_in_a_worker_exits_2_with_a_short_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BACKFILL_CODEGEN_DEBUG")
    monkeypatch.setattr("backfill_codegen.batch.check_manifest", _explode)
    status, stdout, stderr = run_cli(["check", ".", "-j", "2"], MONOREPO)
    assert (status, stdout) == (2, "")
    assert stderr.startswith(
        "backfill-codegen: internal error: RuntimeError: simulated bug while checking "
        "backfill.config.json\n"
    )
    assert "Traceback" not in stderr


def test_a_usage_error_in_a_worker_exits_2_like_in_process(tmp_path: Path) -> None:
    shutil.copytree(MONOREPO / "connectors", tmp_path / "connectors")
    (tmp_path / "notes.txt").write_text("not a manifest\n", encoding="utf-8")
    args = ["check", "connectors", "notes.txt"]
    in_process = run_cli([*args, "-j", "1"], tmp_path)
    pooled = _subprocess_cli([*args, "-j", "4"], tmp_path)
    assert in_process == pooled
    assert in_process[0] == 2 and in_process[1] == ""
    assert "notes.txt: not a manifest" in in_process[2]
