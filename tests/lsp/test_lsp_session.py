"""The server's session without the protocol: unsaved texts are what gets checked (the
manifest's and its route files'), and a file that no longer has diagnostics is cleared."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from backfill_codegen.cli import main
from backfill_codegen.diagnostics.render.json import to_object
from backfill_codegen.lsp.server import BackfillServer
from backfill_codegen.lsp.session import Session, manifest_of, real
from backfill_codegen.pipeline import check_manifest, check_text
from tests.support.paths import ROOT

GOLDEN = ROOT / "golden"


def _codes(found: list) -> list[str]:
    return [d.code for d in found]


def test_check_text_is_check_manifest_on_the_same_text(tmp_path: Path) -> None:
    folder = shutil.copytree(GOLDEN / "bf705-blocked-http-call", tmp_path / "c")
    manifest = folder / "backfill.config.json"
    on_disk = check_manifest(manifest)
    in_memory = check_text(manifest, manifest.read_text(encoding="utf-8"))
    assert [to_object(d) for d in in_memory.diagnostics] == [
        to_object(d) for d in on_disk.diagnostics
    ]
    virtual = check_text(tmp_path / "nowhere" / "backfill.config.yaml", "name: acme\n")
    assert _codes(virtual.diagnostics) == []


def test_unsaved_route_file_and_clearing(tmp_path: Path) -> None:
    folder = shutil.copytree(GOLDEN / "bf705-blocked-http-call", tmp_path / "c")
    manifest, route = folder / "backfill.config.json", folder / "src/api/sync/orders.ts"
    assert manifest_of(route, lambda _: False) == manifest
    session = Session()
    first = session.check(manifest)
    assert first is not None and _codes(first.by_file[real(route)]) == ["BF705"]
    text = route.read_text(encoding="utf-8")
    session.texts[real(route)] = text.replace(
        "https://hooks.analytics.example/track", "https://api.acme.com/x"
    )
    second = session.check(manifest)
    assert second is not None and second.by_file[real(route)] == []  # cleared, not dropped
    assert route.read_text(encoding="utf-8") == text  # nothing written


def test_usage_errors_of_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--watch", "--fix"]) == 2
    assert "--watch does not go with" in capsys.readouterr().err
    assert main(["check", "--example", "--fix"]) == 2


def test_a_burst_of_changes_is_checked_once(tmp_path: Path) -> None:
    """The debounce: five changes inside the quiet period cost one check, of the last text."""
    server = BackfillServer()
    checked: list[Path] = []
    server.recheck = checked.append  # type: ignore[method-assign]
    server.debounce = 0.05
    path = tmp_path / "backfill.config.yaml"

    async def burst() -> None:
        for _ in range(5):
            server.schedule(path)
        await asyncio.wait_for(asyncio.gather(*server.pending.values()), 10)

    asyncio.run(burst())
    assert checked == [path]
