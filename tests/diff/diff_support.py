"""Running `backfill-codegen diff` in-process (the diff tests' own small runner)."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from backfill_codegen.cli import main


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
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
