"""`generate` is all or nothing on disk: a write that fails, or a SIGKILL at any instant, leaves
the output directory holding either the whole old set of files or the whole new set, and the
user's files (in the output directory and under `src/api/`) untouched."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backfill_codegen import writer
from tests.support.golden_support import run_cli
from tests.support.paths import GOLDEN, ROOT

HELPDESK = (GOLDEN / "gen-yaml-helpdesk" / "backfill.config.yaml").read_text(encoding="utf-8")
#: The new manifest: another title everywhere, no settings schema (so settings.py goes away).
CHANGED = HELPDESK.replace("Helpdesk tickets", "Helpdesk, renamed").split("  settingsSchema:")[0]
USER_ROUTE = "export async function POST() { return { ok: true }; } // mine\n"

State = dict[str, bytes]


def _state(folder: Path) -> State:
    """Every file under `folder` by relative path (symlinks and folders named too)."""
    found: State = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def _connector(tmp_path: Path, name: str = "helpdesk") -> Path:
    """A connector generated from the old manifest, with the user's own files beside and among
    the generated ones; then the manifest is changed."""
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "backfill.config.yaml").write_text(HELPDESK, encoding="utf-8")
    (folder / "src/api/setup").mkdir(parents=True)
    (folder / "src/api/setup/check.ts").write_text(USER_ROUTE, encoding="utf-8")
    (folder / "src/api/mine.ts").write_text("export const mine = 1;\n", encoding="utf-8")
    assert run_cli(["generate"], folder)[0] == 0
    generated = folder / "generated"
    (generated / "NOTES.md").write_text("my notes\n", encoding="utf-8")
    (generated / "mine").mkdir()
    (generated / "mine" / "data.json").write_text("{}\n", encoding="utf-8")
    (generated / "link").symlink_to("NOTES.md")
    (folder / "backfill.config.yaml").write_text(CHANGED, encoding="utf-8")
    return folder


@pytest.fixture
def sets(tmp_path: Path) -> tuple[State, State, State]:
    """The old output set, the new one (from an uninterrupted run) and src/api/."""
    reference = _connector(tmp_path / "reference")
    old = _state(reference / "generated")
    routes = _state(reference / "src")
    assert run_cli(["generate"], reference)[0] == 0
    new = _state(reference / "generated")
    assert old != new and "settings.py" in old and "settings.py" not in new
    assert {"NOTES.md", "mine/data.json", "link"} <= set(new)
    assert _state(reference / "src") == routes  # existing route files are never touched
    return old, new, routes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".backfill-" in p.name)


def _assert_user_files(folder: Path, routes: State) -> None:
    current = _state(folder / "src")
    for key, data in routes.items():
        assert current[key] == data, key
    assert (folder / "generated" / "NOTES.md").read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("failing_write", [1, 2, 3])
def test_a_write_that_fails_leaves_the_old_set(
    failing_write: int,
    tmp_path: Path,
    sets: tuple[State, State, State],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new, routes = sets
    folder = _connector(tmp_path)
    notes_inode = (folder / "generated" / "NOTES.md").stat().st_ino
    real = writer._write_file
    calls = [0]

    def failing(path: Path, text: str) -> None:
        calls[0] += 1
        if calls[0] == failing_write:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(writer, "_write_file", failing)
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 2 and "cannot write the generated files" in stderr
    assert "No space left" in stderr
    assert _state(folder / "generated") == old
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)
    monkeypatch.setattr(writer, "_write_file", real)
    assert run_cli(["generate"], folder)[0] == 0
    assert _state(folder / "generated") == new
    assert (folder / "generated" / "NOTES.md").stat().st_ino == notes_inode


def test_a_failed_swap_leaves_the_old_set(
    tmp_path: Path, sets: tuple[State, State, State], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, _, routes = sets
    folder = _connector(tmp_path)

    def failing(first: Path, second: Path) -> bool:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writer, "_exchange", failing)
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 2 and "cannot write the generated files" in stderr
    assert "Input/output" in stderr
    assert _state(folder / "generated") == old
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)


#: `generate` without an atomic exchange, killed between its two renames (old aside, new in).
_KILLED_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
from backfill_codegen import writer
from backfill_codegen.cli import main

real_rename = os.rename

def rename(source, target):
    if ".backfill-ready-" in str(source) and Path(target).name == "generated":
        os._exit(9)  # the process dies here: no cleanup runs
    real_rename(source, target)

writer._exchange = lambda first, second: False
os.rename = rename
sys.exit(main(["generate"]))
"""


def _run_script(script: str, folder: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
    env.pop("BACKFILL_CODEGEN_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_without_atomic_exchange_a_crash_between_renames_is_finished_next_run(
    tmp_path: Path, sets: tuple[State, State, State]
) -> None:
    """The fallback (two renames): a crash between them leaves the new set complete in the
    ready sibling; the next run moves it into place first."""
    _, new, routes = sets
    folder = _connector(tmp_path)
    assert _run_script(_KILLED_BETWEEN_RENAMES, folder).wait() == 9
    assert not (folder / "generated").exists()
    ready = [name for name in _leftovers(folder) if "-ready-" in name]
    assert len(ready) == 1 and _state(folder / ready[0]) == new
    writer.recover(folder / "generated")
    assert _state(folder / "generated") == new
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)
    assert run_cli(["generate"], folder)[0] == 0  # and the next run finds nothing to do
    assert _state(folder / "generated") == new


def test_without_atomic_exchange_a_failed_second_rename_puts_the_old_set_back(
    tmp_path: Path, sets: tuple[State, State, State], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, _, routes = sets
    folder = _connector(tmp_path)
    monkeypatch.setattr(writer, "_exchange", lambda first, second: False)
    real_rename = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        if ".backfill-ready-" in str(source) and Path(target).name == "generated":
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 2 and "cannot write the generated files" in stderr
    assert "Input/output" in stderr
    assert _state(folder / "generated") == old
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)


def test_without_atomic_exchange_the_new_set_is_whole(
    tmp_path: Path, sets: tuple[State, State, State], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, new, routes = sets
    folder = _connector(tmp_path)
    monkeypatch.setattr(writer, "_exchange", lambda first, second: False)
    assert run_cli(["generate"], folder)[0] == 0
    assert _state(folder / "generated") == new
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)


def test_where_no_sibling_can_be_made_files_are_replaced_one_by_one(
    tmp_path: Path, sets: tuple[State, State, State], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mount point (or a read-only parent): the documented weaker mode still ends whole."""
    _, new, routes = sets
    folder = _connector(tmp_path)
    generated = folder / "generated"
    inode = generated.stat().st_ino
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == generated or real(path))
    assert run_cli(["generate"], folder)[0] == 0
    assert _state(generated) == new
    assert generated.stat().st_ino == inode  # replaced in place, not swapped
    assert _leftovers(folder) == []
    _assert_user_files(folder, routes)


def test_output_into_the_working_directory_is_replaced_in_place(tmp_path: Path) -> None:
    """`-o .`: the folder a shell stands in is never swapped away under it."""
    folder = _connector(tmp_path)
    (folder / "backfill.config.yaml").rename(tmp_path / "backfill.config.yaml")
    inode = folder.stat().st_ino
    status, _, stderr = run_cli(["generate", "-o", ".", "../backfill.config.yaml"], folder)
    assert status == 0, stderr
    assert folder.stat().st_ino == inode
    assert (folder / "settings.ts").is_file() and (folder / "generated" / "NOTES.md").is_file()
    assert _leftovers(tmp_path) == []


#: Runs `generate` with every file write slowed down, and says when the writer starts.
_SLOW_GENERATE = """
import sys, time
from pathlib import Path
from backfill_codegen import writer
from backfill_codegen.cli import main

marker = Path(sys.argv[1])
real_write, real_apply = writer._write_file, writer.apply

def slow_write(path, text):
    real_write(path, text)
    time.sleep(0.04)

def announced_apply(changes):
    marker.write_text("applying")
    real_apply(changes)
    marker.write_text("done")

writer._write_file = slow_write
writer.apply = announced_apply
sys.exit(main(["generate"]))
"""


def test_sigkill_at_random_points_leaves_old_or_new(
    tmp_path: Path, sets: tuple[State, State, State]
) -> None:
    old, new, routes = sets
    rng = random.Random(6)
    template = _connector(tmp_path / "template")
    seen = set()
    duration = 0.6
    for attempt in range(8):
        folder = tmp_path / f"run{attempt}"
        shutil.copytree(template, folder, symlinks=True)
        marker = tmp_path / f"marker{attempt}"
        process = _run_script(_SLOW_GENERATE, folder, str(marker))
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        started = time.monotonic()
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.returncode == 0:  # it finished first: learn how long writing takes
            duration = max(0.05, (time.monotonic() - started) * 0.9)
        current = _state(folder / "generated")
        assert current in (old, new), f"attempt {attempt}: a mix of old and new files"
        seen.add("old" if current == old else "new")
        _assert_user_files(folder, routes)
        assert run_cli(["generate"], folder)[0] == 0  # the next run cleans up and completes
        assert _state(folder / "generated") == new
        assert _leftovers(folder) == []
    assert "old" in seen  # the kills did land while writing
