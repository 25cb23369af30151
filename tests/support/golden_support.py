"""Running the CLI in-process on a golden case, and comparing to its expectations."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
from pathlib import Path

from backfill_codegen.cli import main

UPDATE_HINT = "run `pytest tests/golden/test_golden.py --update-golden`, then read the diff"


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


def case_source(case: Path) -> Path:
    """The folder holding the case's connector: its own, or the bundled example when the case
    holds an `EXAMPLE` marker (so the example is not copied into golden/)."""
    if (case / "EXAMPLE").exists():
        from backfill_codegen.resources import example_dir

        return example_dir()
    return case


def check_output(case: Path) -> str:
    status, stdout, stderr = run_cli(["check", ".", *case_args(case)], case_source(case))
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


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by `/`-separated relative path."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def compare_tree(expected_root: Path, actual: dict[str, bytes], update: bool) -> None:
    """The whole tree, both ways: a missing or an extra file fails, and so does any byte."""
    if update:
        if expected_root.exists():
            for path in sorted(expected_root.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        for relative, data in actual.items():
            target = expected_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return
    expected = tree(expected_root)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert not missing and not extra, f"missing: {missing}, extra: {extra}; {UPDATE_HINT}"
    for relative in sorted(expected):
        compare(expected_root / relative, actual[relative].decode("utf-8"), update=False)
