"""The two sides of a diff, each a checked manifest: from two paths, or the old one from git.

`--against REF` reads each old manifest with `git show REF:path` into a temporary folder (no
checkout, nothing in the work tree changes), checks it there and names it `REF:path` in
diagnostics. A manifest that does not exist at REF is a new connector: it is not compared.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from backfill_codegen.pipeline import ManifestResult, check_manifest
from backfill_codegen.workspace import UsageError, display_path, find_manifests

#: `--against @{upstream}` (the pre-commit hook): the current branch's upstream, when it has one.
UPSTREAM = "@{upstream}"


class NoUpstream(Exception):
    """`--against @{upstream}` on a branch without an upstream: nothing to compare with."""


@dataclass(frozen=True)
class Pair:
    old: ManifestResult
    new: ManifestResult


def _one(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"{display_path(path)}: no such file or directory")
    found = find_manifests([path])
    if len(found) != 1:
        raise UsageError(
            f"{display_path(path)}: holds {len(found)} manifests; name one (or use --against)"
        )
    return found[0]


def from_paths(old: Path, new: Path) -> list[Pair]:
    """`diff OLD NEW`: one manifest (file or connector directory) on each side."""
    return [Pair(check_manifest(_one(old)), check_manifest(_one(new)))]


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as error:
        raise UsageError("--against needs git, and git is not installed") from error


def _top(cwd: Path) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode:
        raise UsageError(f"--against: {display_path(cwd)} is not inside a git repository")
    return Path(os.fsdecode(done.stdout.strip()))


def from_git(paths: Sequence[Path], ref: str) -> Iterator[Pair]:
    """`diff [PATH ...] --against REF`: every manifest under PATH against its version at REF."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{display_path(path)}: no such file or directory")
    manifests = find_manifests(paths)
    top = _top(Path.cwd())
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top).returncode:
        if ref == UPSTREAM:
            raise NoUpstream()
        raise UsageError(f"--against: unknown git revision `{ref}`")
    with tempfile.TemporaryDirectory(prefix="backfill-diff-") as folder:
        for index, manifest in enumerate(manifests):
            relative = Path(os.path.realpath(manifest)).relative_to(os.path.realpath(top))
            shown = _git(["show", f"{ref}:{relative.as_posix()}"], top)
            if shown.returncode:
                continue  # new since REF: nothing to compare with
            old_path = Path(folder, str(index), manifest.name)
            old_path.parent.mkdir()
            old_path.write_bytes(shown.stdout)
            old = check_manifest(old_path)
            # the old side is named as git names it, not by the temporary folder
            old.source.path = f"{ref}:{relative.as_posix()}"
            yield Pair(old, check_manifest(manifest))
