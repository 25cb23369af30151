"""The fast paths of issue 11's speed items change nothing a user sees.

- `writer.recover(*dirs)` lists each parent folder once, and leaves on disk what one call per
  directory left (compared on generated layouts of output directories and leftovers);
- `writer.apply` flushes all the new trees together, by `syncfs` or, without it, by an fsync
  of every file and folder: either way the same files on disk;
- `find_manifests` still finds a manifest in or under a folder generate wrote into;
- `check` of one manifest never imports `multiprocessing`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import writer
from backfill_codegen.workspace import RECORD_NAME, find_manifests
from tests.support.paths import ROOT

KINDS = ("partial", "ready", "old")


def _snapshot(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = path.read_text() if path.is_file() else "<dir>"
    return found


def _recover_reference(directory: Path) -> None:
    """recover as it was, one directory at a time, listing the parent each time."""
    parent = directory.parent
    if not parent.is_dir():
        return
    pattern = writer._sibling_pattern(directory)
    leftovers: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for entry in sorted(parent.iterdir()):
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            leftovers[match[1]].append(entry)
    if not directory.exists() and not directory.is_symlink():
        for kind in ("ready", "old"):
            if leftovers[kind]:
                os.rename(leftovers[kind].pop(), directory)
                break
    for found in leftovers.values():
        for leftover in found:
            shutil.rmtree(leftover, ignore_errors=True)


_NAMES = st.sampled_from(["a", "b", "a.b", "gen", "x-1"])
_LEFTOVER = st.tuples(_NAMES, st.sampled_from(KINDS), st.sampled_from(["k1", "k2", "k3"]))
_LAYOUT = st.tuples(
    st.sets(_NAMES, min_size=1),  # the output directories recovered
    st.sets(_NAMES),  # which of them exist
    st.lists(_LEFTOVER, max_size=8),
)


def _build(parent: Path, existing: set[str], leftovers: list[tuple[str, str, str]]) -> None:
    parent.mkdir(parents=True)
    for name in existing:
        (parent / name).mkdir()
        (parent / name / "f.txt").write_text(f"current {name}")
    for name, kind, key in leftovers:
        folder = parent / f".{name}.backfill-{kind}-{key}"
        folder.mkdir(exist_ok=True)
        (folder / "f.txt").write_text(f"{kind} {name} {key}")
    (parent / "user.txt").write_text("the user's")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(layout=_LAYOUT)
def test_recover_of_many_equals_recover_of_each(tmp_path_factory, layout) -> None:
    directories, existing, leftovers = layout
    base = tmp_path_factory.mktemp("recover")
    ours, theirs = base / "ours" / "out", base / "theirs" / "out"
    _build(ours, existing, leftovers)
    _build(theirs, existing, leftovers)
    writer.recover(*(ours / name for name in sorted(directories)))
    for name in sorted(directories):
        _recover_reference(theirs / name)
    assert _snapshot(ours) == _snapshot(theirs)


def test_recover_lists_each_parent_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = tmp_path / "out"
    _build(parent, {f"c{i}" for i in range(50)}, [("c7", "partial", "k")])
    listed: list[str] = []
    real = os.scandir

    def counting(path):  # type: ignore[no-untyped-def]
        if not isinstance(path, int):  # rmtree lists by descriptor
            listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(writer.os, "scandir", counting)
    writer.recover(*(parent / f"c{i}" for i in range(50)))
    assert listed == [os.fspath(parent)]
    assert not (parent / ".c7.backfill-partial-k").exists()


def _plan(tmp_path: Path, count: int) -> list[writer.Planned]:
    changes = []
    for i in range(count):
        root = tmp_path / "out" / f"c{i}"
        for name in ("a.py", "sub/b.ts"):
            text = f"# generated {i} {name}\n"
            changes.append(writer.Planned(root / name, text, None, f"c{i}/{name}", root))
    return changes


@pytest.mark.parametrize("syncfs", [True, False])
def test_apply_flushes_once_and_writes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncfs: bool
) -> None:
    flushed: list[list[Path]] = []
    real_flush = writer._flush

    def flush(trees: list[Path]) -> None:
        flushed.append(list(trees))
        real_flush(trees)

    monkeypatch.setattr(writer, "_flush", flush)
    if not syncfs:
        monkeypatch.setattr(writer, "_syncfs", lambda path: False)
    changes = _plan(tmp_path, 5)
    writer.apply(changes)
    assert len(flushed) == 1 and len(flushed[0]) == 5
    for change in changes:
        assert change.path.read_text() == change.text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"c{i}" for i in range(5)]


@pytest.mark.parametrize(
    "layout",
    [
        # -o into the connector's own folder: the record sits beside the manifest
        {"c/backfill.config.json": "{}", f"c/{RECORD_NAME}": "{}"},
        # -o above other connectors: a record in a folder that holds connector folders
        {f"out/{RECORD_NAME}": "{}", "out/x/backfill.config.yaml": "{}"},
        # a record deep in an output tree beside a nested connector
        {f"c/gen/{RECORD_NAME}": "{}", "c/gen/py/backfill.config.json": "{}"},
    ],
)
def test_find_manifests_enters_folders_generate_wrote_into(
    tmp_path: Path, layout: dict[str, str]
) -> None:
    """An output folder is no reason to stop looking: skipping folders that hold the record lost
    the connector whose outputs were written beside its manifest (`generate c -o c`)."""
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    wanted = sorted(tmp_path / n for n in layout if n.rsplit("/", 1)[-1].startswith("backfill."))
    assert sorted(find_manifests([tmp_path])) == wanted


def test_generate_into_the_connector_then_check_finds_it(tmp_path: Path) -> None:
    connector = tmp_path / "c"
    shutil.copytree(ROOT / "compiler" / "backfill_codegen" / "example" / "stripe", connector)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
    run = [sys.executable, "-m", "backfill_codegen"]
    made = subprocess.run([*run, "generate", "c", "-o", "c"], cwd=tmp_path, env=env)
    assert made.returncode == 0 and (connector / RECORD_NAME).exists()
    checked = subprocess.run([*run, "check", "."], cwd=tmp_path, env=env, capture_output=True)
    assert checked.returncode == 0, checked.stderr


def test_check_of_one_manifest_never_imports_multiprocessing() -> None:
    script = (
        "import sys\n"
        "from backfill_codegen.cli import main\n"
        "try:\n    main(['check', '--example'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('multiprocessing', 'concurrent')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- A cache miss checks the bytes the cache hashed: each manifest read once. ---------------


def _golden_manifests() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "golden").glob("*/backfill.config.*")
        if path.is_file() and not path.is_symlink()
    )


def _seen(diagnostics: list) -> list:  # type: ignore[type-arg]
    """What a user sees of each diagnostic (SourceFile objects compare by identity)."""
    seen = []
    for d in diagnostics:
        where = (d.primary.source.path, d.primary.source.text, d.primary.span, d.primary.message)
        also = [(label.span, label.message) for label in d.secondary]
        seen.append((d.code, d.severity, d.message, d.help, where, also))
    return seen


def test_checking_given_bytes_equals_checking_the_file() -> None:
    """Over the whole golden corpus (every rule's failing inputs, every front end)."""
    from backfill_codegen import cache
    from backfill_codegen.pipeline import check_manifest

    manifests = _golden_manifests()
    assert len(manifests) > 50
    compared = 0
    for path in manifests:
        inputs = cache.read_inputs(path.absolute())
        if inputs is None or inputs.manifest is None:
            continue  # past a limit or not readable: the check reads the file itself
        assert inputs.manifest == path.read_bytes()
        ours, theirs = check_manifest(path, data=inputs.manifest), check_manifest(path)
        assert _seen(ours.diagnostics) == _seen(theirs.diagnostics), path
        assert ours.manifest == theirs.manifest, path
        compared += 1
    assert compared > 50


def test_a_cache_miss_reads_the_manifest_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backfill_codegen import driver, pipeline, safe_read
    from backfill_codegen.resources import example_dir

    connector = tmp_path / "stripe"
    shutil.copytree(example_dir(), connector)
    manifest = connector / "backfill.config.ts"
    reads: list[Path] = []
    real = safe_read.read_bounded

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name == manifest.name:
            reads.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.safe_read, "read_bounded", counting)
    monkeypatch.chdir(tmp_path)
    result = driver.generate([manifest], lambda found: None, jobs=1)
    assert result.ok and reads == []  # the cache's read served the check
    result = driver.generate([manifest], lambda found: None, jobs=1, cache=False)
    assert result.ok and reads == [manifest]  # without a cache, the check reads it
