"""No file outside a connector is ever read through a symlink (issue 10, class 2).

A manifest's connector directory is the folder holding it. A manifest that is a symlink whose
target (after every hop) lies outside that folder is BF009; one that leads nowhere (dangling, a
loop), to a folder, a FIFO or a device is BF010. Either way nothing behind the link is read, so
no byte of it reaches a diagnostic, a code frame, an output or the cache. The layouts are
generated: chains of relative and absolute hops, inside and outside, through symlinked folders,
ending at a secret file, a folder, nothing, or the start of the chain.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import cache
from tests.support.golden_support import run_cli
from tests.support.paths import ROOT

MARKER = "TOPSECRET-5f1c9e"
#: What the secret file holds: a VALID manifest that would carry the marker into every output
#: if it were followed, or text that would appear in a code frame if it were parsed.
SECRETS = {
    "manifest": f"name: leak\ndescription: {MARKER}\nconnection:\n  setup:\n"
    f"    instructions: {MARKER}\n",
    "env": f"API_KEY={MARKER}\n{MARKER}: [\n",
}
COMMANDS = (
    ["check", "."],
    ["check", "connectors/x/backfill.config.yaml"],
    ["check", ".", "--format", "json"],
    ["check", ".", "--format", "sarif"],
    ["generate", "."],
    ["generate", ".", "--check"],
    ["generate", "connectors/x/backfill.config.yaml", "-o", "out"],
    ["openapi", "connectors/x/backfill.config.yaml"],
)


@pytest.fixture(autouse=True)
def private_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.SECRET_ENV, str(tmp_path / "machine" / "secret"))
    monkeypatch.setattr(cache, "_secret", None)


def _world(root: Path, secret: str) -> tuple[Path, Path]:
    """root/project/connectors/x (the connector) and root/outside (secrets, folders)."""
    outside = root / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.yaml").write_text(SECRETS[secret], encoding="utf-8")
    (outside / "dir" / "backfill.config.yaml").write_text(SECRETS[secret], encoding="utf-8")
    connector = root / "project" / "connectors" / "x"
    connector.mkdir(parents=True)
    return root / "project", connector


def _everything(root: Path) -> bytes:
    """Every byte under `root` (the outputs, the cache) except the planted secrets themselves."""
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if not stat.S_ISREG(path.lstat().st_mode) or "outside" in path.relative_to(root).parts:
                continue  # a symlink, a FIFO (reading it here would hang the test), the secrets
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if data.decode("utf-8", "replace") not in SECRETS.values():  # not a planted one
                found.append(data)
    return b"\n".join(found)


def _run_all(project: Path) -> list[tuple[int, str, str]]:
    runs = []
    for command in COMMANDS:
        status, stdout, stderr = run_cli(command, project)
        assert "internal error" not in stderr and "Traceback" not in stderr, (command, stderr)
        assert MARKER not in stdout and MARKER not in stderr, command
        runs.append((status, stdout, stderr))
    assert MARKER.encode() not in _everything(project)
    return runs


def _codes(project: Path) -> set[str]:
    _status, stdout, _ = run_cli(["check", ".", "--format", "json"], project)
    return {d["code"] for d in json.loads(stdout)} if stdout.strip() else set()


# --- generated chains -----------------------------------------------------------------------

HOP = st.tuples(st.sampled_from(["inside", "outside"]), st.sampled_from(["relative", "absolute"]))
END = st.sampled_from(["secret", "dir-outside", "dir-inside", "missing-outside", "missing", "loop"])


def _point(link: Path, target: Path, style: str) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target if style == "absolute" else os.path.relpath(target, link.parent))


def _chain(root: Path, connector: Path, hops: list[tuple[str, str]], end: str) -> None:
    """connectors/x/backfill.config.yaml -> hop1 -> hop2 -> ... -> the end."""
    start = connector / "backfill.config.yaml"
    links = [start]
    for index, (where, _) in enumerate(hops):
        base = connector / "links" if where == "inside" else root / "outside" / "links"
        links.append(base / f"hop{index}.yaml")
    ends = {
        "secret": root / "outside" / "secret.yaml",
        "dir-outside": root / "outside" / "dir",
        "dir-inside": connector / "folder",
        "missing-outside": root / "outside" / "nothing.yaml",
        "missing": connector / "nothing.yaml",
        "loop": start,
    }
    (connector / "folder").mkdir(exist_ok=True)
    styles = [style for _, style in hops] + ["relative"]
    targets = [*links[1:], ends[end]]
    for link, target, style in zip(links, targets, styles, strict=True):
        _point(link, target, style)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hops=st.lists(HOP, max_size=3),
    end=END,
    secret=st.sampled_from(sorted(SECRETS)),
    data=st.data(),
)
def test_generated_symlink_chains_never_leak(
    tmp_path_factory: pytest.TempPathFactory,
    hops: list[tuple[str, str]],
    end: str,
    secret: str,
    data: st.DataObject,
) -> None:
    root = tmp_path_factory.mktemp("chain")
    project, connector = _world(root, secret)
    _chain(root, connector, hops, end)
    runs = _run_all(project)
    assert all(status in (1, 2) for status, _, _ in runs[:7])  # never "clean"
    leaves = end in ("secret", "dir-outside", "missing-outside") or any(
        where == "outside" for where, _ in hops
    )
    codes = _codes(project)
    if end == "secret" or end == "dir-outside":
        assert codes == {"BF009"}
    else:
        assert codes <= {"BF009", "BF010"} and codes, codes
        if not leaves:
            assert codes == {"BF010"}


# --- the table: folders, devices, FIFOs, another connector, the connector itself a link ------


def _layout(kind: str, root: Path, connector: Path) -> None:
    manifest = connector / "backfill.config.yaml"
    if kind == "git-config":
        (root / "project" / ".git").mkdir()
        (root / "project" / ".git" / "config").write_text(SECRETS["env"], encoding="utf-8")
        manifest.symlink_to("../../.git/config")
    elif kind == "another-connector":
        other = root / "project" / "connectors" / "y"
        other.mkdir()
        (other / "backfill.config.yaml").write_text(SECRETS["manifest"], encoding="utf-8")
        manifest.symlink_to("../y/backfill.config.yaml")
    elif kind == "via-symlinked-folder":
        (connector / "sub").symlink_to(root / "outside" / "dir", target_is_directory=True)
        manifest.symlink_to("sub/backfill.config.yaml")
    elif kind == "dot-dot-inside-then-out":
        (connector / "a").mkdir()
        manifest.symlink_to("a/../../../../outside/secret.yaml")
    elif kind == "home-env":
        manifest.symlink_to(root / "outside" / "secret.yaml")
    elif kind == "dev-stdin":
        manifest.symlink_to("/dev/stdin")
    elif kind == "dev-zero":
        manifest.symlink_to("/dev/zero")
    elif kind == "fifo-outside":
        os.mkfifo(root / "outside" / "fifo")
        manifest.symlink_to(root / "outside" / "fifo")
    elif kind == "fifo-inside":
        os.mkfifo(connector / "fifo")
        manifest.symlink_to("fifo")
    elif kind == "manifest-is-a-fifo":
        os.mkfifo(manifest)
    elif kind == "self-loop":
        manifest.symlink_to("backfill.config.yaml")
    elif kind == "route-file-outside":
        manifest.write_text(
            "name: x\nconnection:\n  testConnection: {route: /t, method: POST}\n",
            encoding="utf-8",
        )
        (connector / "src" / "api").mkdir(parents=True)
        (connector / "src" / "api" / "t.ts").symlink_to(root / "outside" / "secret.yaml")
        (connector / "src" / "api" / "u.ts").symlink_to(root / "outside" / "dir")
    else:
        raise AssertionError(kind)


EXPECTED = {
    "git-config": "BF009",
    "another-connector": "BF009",
    "via-symlinked-folder": "BF009",
    "dot-dot-inside-then-out": "BF009",
    "home-env": "BF009",
    "dev-stdin": "BF009",
    "dev-zero": "BF009",
    "fifo-outside": "BF009",
    "fifo-inside": "BF010",
    "self-loop": "BF010",
    "route-file-outside": "BF710",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_symlink_table_never_leaks_nor_hangs(kind: str, tmp_path: Path) -> None:
    """In a child process with a time limit: a FIFO or a device must not hang the run."""
    project, connector = _world(tmp_path, "env" if kind != "another-connector" else "manifest")
    _layout(kind, tmp_path, connector)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "compiler"),
        cache.SECRET_ENV: str(tmp_path / "s"),
    }
    for command in COMMANDS:
        completed = subprocess.run(
            [sys.executable, "-m", "backfill_codegen", *command],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        output = completed.stdout + completed.stderr
        assert MARKER not in output and "internal error" not in output, (command, output)
    assert EXPECTED[kind] in _codes(project)
    assert MARKER.encode() not in _everything(project)


def test_a_fifo_manifest_found_by_discovery_is_reported_without_hanging(tmp_path: Path) -> None:
    project, connector = _world(tmp_path, "env")
    os.mkfifo(connector / "backfill.config.yaml")
    completed = subprocess.run(
        [sys.executable, "-m", "backfill_codegen", "check", ".", "--format", "concise"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT / "compiler")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode in (1, 2) and "internal error" not in completed.stderr


def test_a_symlink_inside_the_connector_is_followed(tmp_path: Path) -> None:
    project, connector = _world(tmp_path, "env")
    (connector / "config").mkdir()
    (connector / "config" / "prod.yaml").write_text("name: x\n", encoding="utf-8")
    (connector / "backfill.config.yaml").symlink_to("config/prod.yaml")
    status, stdout, _ = run_cli(["check", "."], project)
    assert (status, stdout) == (0, "All checks passed.\n")
    # Shown as the link, never as its target.
    (connector / "config" / "prod.yaml").write_text("name: X\n", encoding="utf-8")
    _, stdout, _ = run_cli(["check", ".", "--format", "concise"], project)
    assert stdout.startswith("connectors/x/backfill.config.yaml:1:7: BF104")


def test_a_connector_folder_that_is_a_symlink_keeps_its_own_manifest(tmp_path: Path) -> None:
    """The manifest passed directly in a symlinked folder: that folder is its connector."""
    project, _ = _world(tmp_path, "env")
    real = tmp_path / "real-x"
    real.mkdir()
    (real / "backfill.config.yaml").write_text("name: x\n", encoding="utf-8")
    (project / "connectors" / "z").symlink_to(real, target_is_directory=True)
    status, _, stderr = run_cli(["check", "connectors/z/backfill.config.yaml"], project)
    assert status == 0, stderr


@pytest.mark.parametrize(
    "link", [".backfill-generated.json", "routes.ts", "old.ts", ".backfill-cache.json"]
)
def test_output_files_are_never_read_through_a_symlink(link: str, tmp_path: Path) -> None:
    """What `generate` reads back from an output directory (its record, an output, a stale
    file, an earlier cache file) is opened without following a symlink: nothing behind it is
    read, shown or removed."""
    project, connector = _world(tmp_path, "env")
    (connector / "backfill.config.yaml").write_text("name: x\n", encoding="utf-8")
    (connector / "generated").mkdir()
    (connector / "generated" / link).symlink_to(tmp_path / "outside" / "secret.yaml")
    before = (tmp_path / "outside" / "secret.yaml").read_bytes()
    for command in (["generate", "."], ["generate", ".", "--check"], ["generate", "."]):
        status, stdout, stderr = run_cli(command, project)
        assert status in (0, 1, 2) and "internal error" not in stderr, stderr
        assert MARKER not in stdout + stderr
    assert (tmp_path / "outside" / "secret.yaml").read_bytes() == before
    assert (connector / "generated" / link).is_symlink()
    assert MARKER.encode() not in _everything(project)
