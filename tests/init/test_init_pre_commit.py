"""The `.pre-commit-config.yaml` that `init` writes works as written: in a fresh git repository
holding the new connector, the real pre-commit runs both hooks (`language: system`: the
`backfill-codegen` on PATH, nothing installed, no network) and passes; a mistake fails them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.golden_support import run_cli as run


def _sh(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_scaffolded_hooks_pass_and_catch_a_mistake(tmp_path: Path) -> None:
    if shutil.which("git") is None and not os.environ.get("CI"):
        pytest.skip("git is not installed")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(bin_dir), os.environ["PATH"]]),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }
    assert run(["init", "acme"], tmp_path)[0] == 0
    connector = tmp_path / "acme"
    assert run(["generate"], connector)[0] == 0
    assert _sh(["git", "init", "-q"], connector, env).returncode == 0
    assert _sh(["git", "add", "-A"], connector, env).returncode == 0
    pre_commit = [str(bin_dir / "pre-commit"), "run", "--all-files"]
    done = _sh(pre_commit, connector, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Passed") == 2, done.stdout

    manifest = connector / "backfill.config.ts"
    manifest.write_text(manifest.read_text("utf-8").replace('"POST"', '"post"'), "utf-8")
    _sh(["git", "add", "-A"], connector, env)
    done = _sh(pre_commit, connector, env)
    assert done.returncode == 1 and "BF202" in done.stdout, done.stdout
