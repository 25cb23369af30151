"""`diff --against REF` in a real temporary git repository with two commits; usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.golden_support import run_cli as run
from tests.support.paths import ROOT

CASE = ROOT / "golden" / "diff" / "bf803-enum-value-removed"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed (CI installs it)")
    connector = tmp_path / "connectors" / "acme"
    connector.mkdir(parents=True)
    shutil.copy(CASE / "old" / "backfill.config.json", connector)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "first")
    shutil.copy(CASE / "new" / "backfill.config.json", connector)
    new_one = tmp_path / "connectors" / "fresh"
    new_one.mkdir()
    (new_one / "backfill.config.json").write_text('{"name": "fresh"}\n', encoding="utf-8")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "second")
    return tmp_path


def test_against_the_previous_commit_reports_the_break(repo: Path) -> None:
    before = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    status, stdout, stderr = run(["diff", "--against", "HEAD~1", "--format", "json"], repo)
    assert (status, stderr) == (1, "")
    (found,) = json.loads(stdout)
    assert found["code"] == "BF803"
    assert found["file"] == "connectors/acme/backfill.config.json"
    after = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    assert before.stdout == after.stdout == b""  # no checkout, nothing written


def test_against_head_reports_nothing_and_skips_new_connectors(repo: Path) -> None:
    status, stdout, _ = run(["diff", "--against", "HEAD"], repo)
    assert status == 0
    assert stdout == "No breaking changes (2 connector(s) compared).\n"
    status, stdout, _ = run(["diff", "connectors/fresh", "--against", "HEAD~1"], repo)
    assert (status, stdout) == (0, "No breaking changes (0 connector(s) compared).\n")


def test_an_old_side_with_errors_is_named_as_git_names_it(repo: Path) -> None:
    broken = repo / "connectors" / "acme" / "backfill.config.json"
    broken.write_text('{"name": "acme", "unknown": 1}\n', encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "broken")
    broken.write_text((CASE / "new" / "backfill.config.json").read_text(), encoding="utf-8")
    status, stdout, _ = run(["diff", "--against", "HEAD", "--format", "concise"], repo)
    assert status == 1
    assert stdout.startswith("HEAD:connectors/acme/backfill.config.json:1:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "--against", "no-such-ref"], "unknown git revision `no-such-ref`"),
        (["diff", "missing", "--against", "HEAD"], "missing: no such file or directory"),
        (["diff", "only-one"], "diff needs OLD and NEW"),
    ],
)
def test_usage_errors_exit_2(repo: Path, args: list[str], message: str) -> None:
    status, stdout, stderr = run(args, repo)
    assert (status, stdout) == (2, "")
    assert message in stderr


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    shutil.copy(CASE / "old" / "backfill.config.json", tmp_path)
    status, _, stderr = run(["diff", "--against", "HEAD"], tmp_path)
    assert status == 2 and "not inside a git repository" in stderr


def test_the_hooks_upstream_ref_is_skipped_without_an_upstream(repo: Path) -> None:
    status, stdout, stderr = run(["diff", "--against", "@{upstream}"], repo)
    assert (status, stdout) == (0, "")
    assert "no upstream" in stderr
