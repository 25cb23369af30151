"""Running the CLI in-process on a golden case, and comparing to its expectations."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
from pathlib import Path

from compiler.cli import main

UPDATE_HINT = "run `pytest tests/test_golden.py --update-golden`, then read the diff"


def run_cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `backfill-codegen ARGS` run in `cwd`."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(args)
    finally:
        os.chdir(previous)
    return status, out.getvalue(), err.getvalue()


def case_args(case: Path) -> list[str]:
    """Extra arguments for `check`, one per line in the case's optional `args` file."""
    args_file = case / "args"
    if not args_file.exists():
        return []
    return [line for line in args_file.read_text(encoding="utf-8").splitlines() if line]


def check_output(case: Path) -> str:
    status, stdout, stderr = run_cli(["check", ".", *case_args(case)], case)
    assert stderr == "", stderr
    return f"{stdout}exit status: {status}\n"


def compare(expected_file: Path, actual: str, update: bool) -> None:
    if update:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8", newline="")
        return
    if not expected_file.exists():
        raise AssertionError(f"{expected_file} is missing; {UPDATE_HINT}")
    expected = expected_file.read_bytes().decode("utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(expected_file),
                "actual",
            )
        )
        raise AssertionError(f"golden mismatch:\n{diff}\n{UPDATE_HINT}")
