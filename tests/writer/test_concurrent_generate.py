"""Concurrent `generate` runs into one output folder (issue 10, class 3): each run holds a lock on
the folder holding the output directory (backfill_codegen/writer.py `locked`), so runs take turns.
Many
processes at once, with the same and with different inputs, and `--check` runs among them:
afterwards the user's files are intact (same bytes, same inode), the generated files are
exactly one run's complete set, no run exits 2, and no staging folder is left behind.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen import cache
from tests.support.paths import GOLDEN, ROOT

USER_FILES = {
    "NOTES.md": b"my notes\n",
    ".gitignore": b"*.tmp\n",
    "mine/data.json": b"{}\n",
}


def _connectors(root: Path) -> tuple[Path, Path]:
    """Two connectors of the same name with different outputs (another description)."""
    a, b = root / "a", root / "b"
    for folder, description in ((a, "first"), (b, "second")):
        shutil.copytree(GOLDEN / "gen-minimal-json", folder, ignore=lambda *_: ["expected"])
        manifest = folder / "backfill.config.json"
        document = json.loads(manifest.read_text(encoding="utf-8"))
        document["description"] = description
        manifest.write_text(json.dumps(document), encoding="utf-8")
    return a, b


def _environment(root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "compiler"),
        cache.SECRET_ENV: str(root / "machine" / "s"),
    }
    env.pop("BACKFILL_CODEGEN_DEBUG", None)
    return env


def _generate(env: dict[str, str], connector: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backfill_codegen",
            "generate",
            str(connector),
            "-o",
            str(out),
            *extra,
        ],
        cwd=connector.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _generated(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).as_posix() not in USER_FILES
    }


def _reference(env: dict[str, str], connector: Path, out: Path) -> dict[str, bytes]:
    process = _generate(env, connector, out, "--no-cache")
    assert process.wait(timeout=300) == 0, process.communicate()
    return _generated(out)


@pytest.mark.parametrize("round_", range(2))
def test_many_concurrent_runs_into_one_folder_lose_nothing(tmp_path: Path, round_: int) -> None:
    env = _environment(tmp_path)
    a, b = _connectors(tmp_path)
    sets = [_reference(env, a, tmp_path / "ref-a"), _reference(env, b, tmp_path / "ref-b")]
    assert sets[0] != sets[1]
    shared = tmp_path / "shared"
    for relative, data in USER_FILES.items():
        (shared / relative).parent.mkdir(parents=True, exist_ok=True)
        (shared / relative).write_bytes(data)
    inodes = {relative: (shared / relative).stat().st_ino for relative in USER_FILES}
    rng = random.Random(round_)
    runs = []
    for _ in range(8):
        connector = rng.choice([a, b])
        extra = rng.choice([[], ["--no-cache"], ["--check"], ["-j", "1"]])
        runs.append((extra, _generate(env, connector, shared, *extra)))
    for extra, process in runs:
        stdout, stderr = process.communicate(timeout=600)
        allowed = (0, 1) if "--check" in extra else (0,)
        assert process.returncode in allowed, (extra, stdout, stderr)
        assert "backfill-codegen: error" not in stderr and "internal error" not in stderr
    for relative, data in USER_FILES.items():
        assert (shared / relative).read_bytes() == data, relative
        assert (shared / relative).stat().st_ino == inodes[relative], relative
    assert _generated(shared) in sets, "the output is not one run's complete set"
    assert sorted(p.name for p in tmp_path.iterdir() if ".backfill-" in p.name) == []


def test_the_lock_is_on_the_parent_and_released_by_a_killed_run(tmp_path: Path) -> None:
    """A run killed while holding the lock (SIGKILL: no clean-up runs) leaves no stale lock:
    the kernel releases a flock with its process; the next run goes ahead."""
    env = _environment(tmp_path)
    a, _ = _connectors(tmp_path)
    hold = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from backfill_codegen import writer\n"
        "with writer.locked([Path(sys.argv[1])]):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(600)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(tmp_path / "shared")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        waiting = _generate(env, a, tmp_path / "shared", "--no-cache")
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=3)  # it waits for the lock
    finally:
        holder.kill()
        holder.wait()
    assert waiting.wait(timeout=300) == 0, waiting.communicate()
    assert (tmp_path / "shared" / "routes.ts").is_file()
    assert not list(tmp_path.glob(".shared.backfill-*"))
