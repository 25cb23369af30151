"""The hooks of .pre-commit-hooks.yaml, run by the real `pre-commit` in a throwaway repository.

NETWORK: pre-commit pip-installs this package (from a snapshot of the working tree, so uncommitted
work is what gets tested) into its own environment, which needs PyPI; the first run takes a
minute. One environment serves the whole module (a module-scoped PRE_COMMIT_HOME). These tests
run in CI; they are not skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from backfill_codegen.resources import example_dir
from tests.support.golden_support import run_cli
from tests.support.paths import ROOT

HOOK_IDS = ("backfill-check", "backfill-generate-check", "backfill-diff")
DIFF_HOOK = "backfill-codegen diff --against @{upstream}"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,  # no user settings (signing, hooks paths) leak in
    "GIT_CONFIG_NOSYSTEM": "1",
}
SMALL_CONNECTOR = (
    '{\n  "name": "small",\n  "permissions": { "http": ["https://api.small.example/v1/*"] }\n}\n'
)


def _git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def _commit_all(repo: Path, message: str) -> str:
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    return _git(repo, "rev-parse", "HEAD").strip()


@dataclass(frozen=True)
class HookRepo:
    """The snapshot of this repository that consumers point at, and pre-commit's cache."""

    path: Path
    rev: str
    home: Path


def _snapshot(dest: Path) -> str:
    """This repository's working tree (tracked and new files, not ignored ones) as a new git
    repository with one commit: pre-commit needs a repository and a rev."""
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    dest.mkdir()
    for relative in sorted(set(filter(None, listed.split("\0")))):
        source = ROOT / relative
        if not source.is_symlink() and not source.exists():
            continue  # deleted in the working tree, not yet in the index
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    _git(dest, "init", "--quiet", "--initial-branch=main")
    return _commit_all(dest, "snapshot")


def _pre_commit(repo: Path, hooks: HookRepo, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(hooks.home), "NO_COLOR": "1"}
    environment.pop("BACKFILL_CODEGEN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _consumer(root: Path, hooks: HookRepo) -> Path:
    """A connector monorepo using both hooks: the bundled Stripe example and a small JSON
    connector, with their generated files up to date, committed."""
    repo = root / "consumer"
    shutil.copytree(example_dir(), repo / "connectors" / "stripe")
    (repo / "connectors" / "small").mkdir(parents=True)
    (repo / "connectors" / "small" / "backfill.config.json").write_text(
        SMALL_CONNECTOR, encoding="utf-8"
    )
    config = {
        "repos": [
            {
                "repo": str(hooks.path),
                "rev": hooks.rev,
                "hooks": [{"id": hook_id} for hook_id in HOOK_IDS],
            }
        ]
    }
    # JSON is YAML: pre-commit reads it as its config.
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2), encoding="utf-8")
    status, _, stderr = run_cli(["generate", "-j", "1"], repo)
    assert status == 0, stderr
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _commit_all(repo, "connectors")
    return repo


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    root = tmp_path_factory.mktemp("pre-commit")
    snapshot = root / "backfill-codegen"
    hooks = HookRepo(snapshot, _snapshot(snapshot), root / "home")
    # Build the hooks' one environment now, so a failure to install reads as that.
    installed = _pre_commit(_consumer(root, hooks), hooks, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return hooks


def _result_line(output: str, name: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith(name + "...")]
    return line


@pytest.mark.network
def test_hooks_pass_on_good_connectors(hooks: HookRepo, tmp_path: Path) -> None:
    repo = _consumer(tmp_path, hooks)
    ran = _pre_commit(repo, hooks, "run", "--all-files")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert _result_line(ran.stdout, "backfill-codegen check").endswith("Passed")
    assert _result_line(ran.stdout, "backfill-codegen generate --check").endswith("Passed")
    assert _result_line(ran.stdout, DIFF_HOOK).endswith("Passed")  # no upstream: skipped


@pytest.mark.network
def test_diff_hook_fails_on_a_break_against_the_upstream(hooks: HookRepo, tmp_path: Path) -> None:
    repo = _consumer(tmp_path, hooks)
    upstream = tmp_path / "upstream.git"
    _git(tmp_path, "init", "--quiet", "--bare", str(upstream))
    _git(repo, "remote", "add", "origin", str(upstream))
    _git(repo, "push", "--quiet", "--set-upstream", "origin", "main")
    manifest = repo / "connectors" / "stripe" / "backfill.config.ts"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(', "AU"]', "]"), "utf-8")
    _git(repo, "add", "--all")
    ran = _pre_commit(repo, hooks, "run", "backfill-diff", "--all-files")
    assert ran.returncode != 0
    assert _result_line(ran.stdout, DIFF_HOOK).endswith("Failed")
    assert "error[BF803]" in ran.stdout


@pytest.mark.network
def test_check_hook_fails_on_a_broken_manifest_with_the_code(
    hooks: HookRepo, tmp_path: Path
) -> None:
    repo = _consumer(tmp_path, hooks)
    manifest = repo / "connectors" / "small" / "backfill.config.json"
    manifest.write_text(SMALL_CONNECTOR.replace("https://", "http://"), encoding="utf-8")
    _git(repo, "add", "--all")
    ran = _pre_commit(repo, hooks, "run", "backfill-check", "--all-files")
    assert ran.returncode != 0
    assert _result_line(ran.stdout, "backfill-codegen check").endswith("Failed")
    assert "error[BF601]" in ran.stdout
    assert "--> connectors/small/backfill.config.json:3:" in ran.stdout


@pytest.mark.network
def test_generate_check_hook_fails_when_generated_files_are_stale(
    hooks: HookRepo, tmp_path: Path
) -> None:
    repo = _consumer(tmp_path, hooks)
    manifest = repo / "connectors" / "small" / "backfill.config.json"
    manifest.write_text(
        SMALL_CONNECTOR.replace('"small",', '"small",\n  "displayName": "Small shop",'),
        encoding="utf-8",
    )
    _git(repo, "add", "--all")
    ran = _pre_commit(repo, hooks, "run", "--all-files")
    assert ran.returncode != 0
    assert _result_line(ran.stdout, "backfill-codegen check").endswith("Passed")
    assert _result_line(ran.stdout, "backfill-codegen generate --check").endswith("Failed")
    assert "stale; run backfill-codegen generate" in ran.stdout
    assert "Small shop" in ran.stdout  # the diff shows what changed


@pytest.mark.network
def test_hooks_skip_commits_that_touch_no_connector_file(hooks: HookRepo, tmp_path: Path) -> None:
    repo = _consumer(tmp_path, hooks)
    (repo / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    _git(repo, "add", "--all")
    ran = _pre_commit(repo, hooks, "run", "--files", "notes.txt")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert _result_line(ran.stdout, "backfill-codegen check").endswith("Skipped")


def _files_patterns() -> dict[str, re.Pattern[str]]:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: re.compile(hook["files"]) for hook in hooks}


@pytest.mark.parametrize(
    ("path", "check", "generate"),
    [
        ("backfill.config.ts", True, True),
        ("connectors/a/backfill.config.yml", True, True),
        ("connectors/a/backfill.config.yaml", True, True),
        ("connectors/a/src/api/setup/test.ts", True, True),
        ("connectors/a/generated/settings.py", False, True),
        ("connectors/a/my-backfill.config.ts", False, False),
        ("connectors/a/src/api/readme.md", False, False),
        ("docs/backfill.config.md", False, False),
    ],
)
def test_files_patterns(path: str, check: bool, generate: bool) -> None:
    """Which changed files make each hook run (no network needed for this one)."""
    patterns = _files_patterns()
    assert set(patterns) == set(HOOK_IDS)
    assert bool(patterns["backfill-check"].search(path)) is check
    assert bool(patterns["backfill-generate-check"].search(path)) is generate
