"""Route paths and output paths never write outside the output directory or `src/api/`.

Every attempt (a hostile route, a symlink planted in the connector, a file where a folder is
expected) ends in a located diagnostic (exit 1) or a refusal (exit 2 with a message), and a
snapshot of the whole temporary tree outside the connector (and outside `-o OUT`) proves that
no byte was written, renamed or removed there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from backfill_codegen.emit.header import NOTICE
from tests.support.golden_support import run_cli

WEBHOOK = "/api/v1/extensions/<tenant_id>/acme/routes/{route}?connection_id=<connection_id>"


def _manifest(
    route: str = "/setup/test_connection", hook: str = "/hooks/events", post: str | None = None
) -> dict[str, Any]:
    connection: dict[str, Any] = {
        "testConnection": {"route": route, "method": "POST"},
        "setup": {
            "webhookUrlTemplate": WEBHOOK.format(route=hook[1:] if hook.startswith("/") else hook),
            "instructions": "Paste the URL.",
        },
    }
    if post is not None:
        connection["oauth"] = {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://acme.example/oauth/authorize",
            "tokenUrlTemplate": "https://acme.example/oauth/token",
            "scopes": ["read"],
            "client": {"credentialKey": "acme_app"},
            "postConnect": {"route": post, "method": "POST"},
        }
    return {
        "name": "acme",
        "permissions": {"http": ["https://api.acme.example/*"]},
        **{"connection": connection},
    }


Snapshot = dict[str, tuple[str, object]]


def snapshot(root: Path, skip: tuple[Path, ...] = ()) -> Snapshot:
    """Every entry under `root` (symlinks not followed) except the `skip` subtrees: its kind and
    its bytes, link target or mode, and its modification time."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in sorted(dirs + files):
            path = here / name
            if path in skip:
                continue
            info = path.lstat()
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir", info.st_mode)
            else:
                found[key] = ("file", (path.read_bytes(), info.st_mtime_ns, info.st_ino))
    return found


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """tmp/outside/ (a victim folder with files) and tmp/acme/ (the connector)."""
    outside = tmp_path / "outside"
    (outside / "setup").mkdir(parents=True)
    (outside / "victim.txt").write_text("precious\n", encoding="utf-8")
    (outside / "settings.py").write_text(f"# {NOTICE}\nprecious = 1\n", encoding="utf-8")
    connector = tmp_path / "acme"
    connector.mkdir()
    return {"root": tmp_path, "outside": outside, "connector": connector}


def _write(connector: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False)
    (connector / "backfill.config.json").write_text(text, encoding="utf-8")


def _generate(world: dict[str, Path], *args: str) -> tuple[int, str, str]:
    before = snapshot(world["root"], (world["connector"],))
    status, stdout, stderr = run_cli(["generate", *args], world["connector"])
    after = snapshot(world["root"], (world["connector"],))
    assert after == before, "generate changed something outside the connector"
    return status, stdout, stderr


HOSTILE_ROUTES = {
    "dot-dot": "/../../outside/x",
    "inner-dot-dot": "/setup/../../../outside/x",
    "dot": "/setup/./x",
    "absolute-double-slash": "//etc/passwd",
    "backslash": "/setup\\..\\..\\outside",
    "drive-letter": "/C:/outside/x",
    "bare-drive": "C:\\outside\\x",
    "percent-dots": "/%2e%2e/%2E%2E/outside",
    "percent-slash": "/setup%2f..%2f..%2foutside",
    "nul": "/setup/x\u0000.ts",
    "one-dot-leader": "/\u2024\u2024/outside",
    "fullwidth-dots": "/\uff0e\uff0e/outside",
    "fullwidth-solidus": "/setup\uff0f..\uff0f..\uff0foutside",
    "division-slash": "/setup\u2215x",
    "file-suffix": "/setup/x.ts",
    "home": "/~/x",
    "trailing-slash": "/setup/",
    "newline": "/setup/x\n/../../y",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_ROUTES))
@pytest.mark.parametrize("where", ["testConnection", "postConnect", "webhook"])
def test_hostile_route_is_a_located_diagnostic(
    kind: str, where: str, world: dict[str, Path]
) -> None:
    route = HOSTILE_ROUTES[kind]
    if where == "testConnection":
        manifest = _manifest(route=route)
    elif where == "postConnect":
        manifest = _manifest(post=route)
    else:
        manifest = _manifest(hook=route)
    _write(world["connector"], manifest)
    status, stdout, stderr = _generate(world, "--format", "json")
    assert status == 1, stderr
    assert stdout == ""
    diagnostics = json.loads(stderr)
    codes = {d["code"] for d in diagnostics if d["severity"] == "error"}
    assert codes & {"BF201", "BF306", "BF303", "BF302"}, diagnostics
    assert all(d["line"] >= 1 for d in diagnostics)
    assert not (world["connector"] / "generated").exists()
    assert not (world["connector"] / "src").exists()


def _refused(world: dict[str, Path], *args: str) -> str:
    status, stdout, stderr = _generate(world, *args)
    assert status == 2, (stdout, stderr)
    assert "internal error" not in stderr
    last = stderr.rstrip("\n").splitlines()[-1]  # after the warnings and stubbed errors
    assert last.startswith("backfill-codegen: error: "), stderr
    return last


def test_generated_folder_symlinked_outside_is_refused(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    (world["connector"] / "generated").symlink_to(world["outside"], target_is_directory=True)
    assert "symlink" in _refused(world)


def test_generated_file_symlinked_outside_is_refused(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    generated = world["connector"] / "generated"
    generated.mkdir()
    (generated / "settings.ts").symlink_to(world["outside"] / "settings.py")
    assert "symlink" in _refused(world)


def test_stale_generated_symlink_to_outside_is_neither_followed_nor_removed(
    world: dict[str, Path],
) -> None:
    """A symlink in the output folder to a file that carries the notice: not ours to remove,
    and the swap keeps it a symlink (its target is untouched: the snapshot)."""
    _write(world["connector"], _manifest())
    generated = world["connector"] / "generated"
    generated.mkdir()
    (generated / "old.py").symlink_to(world["outside"] / "settings.py")
    (generated / "sub").symlink_to(world["outside"], target_is_directory=True)
    status, _, stderr = _generate(world)
    assert status == 0, stderr
    assert os.readlink(generated / "old.py") == str(world["outside"] / "settings.py")
    assert (generated / "sub").is_symlink()
    assert (generated / "settings.ts").is_file()


@pytest.mark.parametrize("link", ["src", "src/api", "src/api/setup"])
def test_route_folder_symlinked_outside_is_refused(link: str, world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    path = world["connector"] / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(world["outside"], target_is_directory=True)
    message = _refused(world)
    assert "symlink" in message
    assert not (world["connector"] / "generated").exists()  # all or nothing


def test_route_folder_symlinked_inside_is_refused_too(world: dict[str, Path]) -> None:
    """The writer follows no symlink below the connector, wherever it points."""
    _write(world["connector"], _manifest())
    (world["connector"] / "elsewhere").mkdir()
    (world["connector"] / "src").mkdir()
    (world["connector"] / "src" / "api").symlink_to("../elsewhere", target_is_directory=True)
    assert "symlink" in _refused(world)
    assert list((world["connector"] / "elsewhere").iterdir()) == []


def test_existing_route_file_through_a_symlink_is_not_written(world: dict[str, Path]) -> None:
    """Route files that exist (even through a symlinked folder) are the author's: nothing is
    written there, so nothing is refused either."""
    _write(world["connector"], _manifest())
    for route in ("setup/test_connection", "hooks/events"):
        (world["outside"] / route).parent.mkdir(parents=True, exist_ok=True)
        (world["outside"] / f"{route}.ts").write_text("export const x = 1;\n", encoding="utf-8")
    (world["connector"] / "src").mkdir()
    (world["connector"] / "src" / "api").symlink_to(world["outside"], target_is_directory=True)
    before = snapshot(world["outside"])
    status, _, stderr = run_cli(["generate"], world["connector"])
    assert status in (0, 1, 2), stderr
    assert "internal error" not in stderr
    assert snapshot(world["outside"]) == before


def test_generated_is_a_file(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    (world["connector"] / "generated").write_text("mine\n", encoding="utf-8")
    assert "output directory" in _refused(world)
    assert (world["connector"] / "generated").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("blocker", ["src", "src/api", "src/api/setup"])
def test_a_file_where_a_route_folder_is_expected(blocker: str, world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    path = world["connector"] / blocker
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("mine\n", encoding="utf-8")
    assert "where a folder is expected" in _refused(world)
    assert path.read_text(encoding="utf-8") == "mine\n"
    assert not (world["connector"] / "generated").exists()


def test_output_option_below_a_file_is_refused(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    (world["connector"] / "blocker").write_text("mine\n", encoding="utf-8")
    assert "folder" in _refused(world, "-o", "blocker/out")


def test_a_folder_where_a_generated_file_is_expected(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    (world["connector"] / "generated" / "settings.ts").mkdir(parents=True)
    assert "in the way" in _refused(world)


def test_output_option_writes_only_inside_out(world: dict[str, Path]) -> None:
    """`-o OUT` outside the connector: every byte lands in OUT (or the connector's stubs); the
    staging sibling beside OUT is gone when generate returns."""
    _write(world["connector"], _manifest())
    out = world["root"] / "build" / "out"
    skip = (world["connector"], out)
    before = snapshot(world["root"], skip)
    status, _, stderr = run_cli(["generate", "-o", str(out)], world["connector"])
    assert status == 0, stderr
    after = snapshot(world["root"], skip)
    created = sorted(set(after) - set(before))
    assert created == ["build"], created  # the parent of OUT, made for it; nothing else
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert (out / "routes.ts").is_file()
    assert (world["connector"] / "src/api/setup/test_connection.ts").is_file()


def test_user_files_and_folders_in_the_output_survive(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    generated = world["connector"] / "generated"
    (generated / "notes").mkdir(parents=True)
    (generated / "notes" / "mine.md").write_text("mine\n", encoding="utf-8")
    (generated / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    inode = (generated / ".gitignore").stat().st_ino
    assert _generate(world)[0] == 0
    assert (generated / "notes" / "mine.md").read_text(encoding="utf-8") == "mine\n"
    assert (generated / ".gitignore").stat().st_ino == inode  # the same file, not a copy
    assert sorted(p.name for p in world["connector"].iterdir()) == [
        "backfill.config.json",
        "generated",
        "src",
    ]


def test_generated_files_get_the_users_mode(world: dict[str, Path]) -> None:
    _write(world["connector"], _manifest())
    previous = os.umask(0o022)
    try:
        assert _generate(world)[0] == 0
    finally:
        os.umask(previous)
    generated = world["connector"] / "generated"
    assert (generated / "routes.ts").stat().st_mode & 0o777 == 0o644
    stub = world["connector"] / "src/api/setup/test_connection.ts"
    assert stub.stat().st_mode & 0o777 == 0o644
