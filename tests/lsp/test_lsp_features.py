"""The language server end to end, as an editor drives it (pytest-lsp, a real client over stdio,
the server started with the README's command): diagnostics, a quick fix that clears them, hover,
completion, and a route-file edit that brings up the manifest's cross-file rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from backfill_codegen.lsp.positions import offset
from backfill_codegen.source import SourceFile
from tests.support import lsp_support
from tests.support.lsp_support import did_open, forget, opened, published
from tests.support.paths import ROOT

GOLDEN = ROOT / "golden"
client = lsp_support.client  # the fixture: a session with the server


def _copy(case: str, to: Path) -> Path:
    shutil.copytree(GOLDEN / case, to, ignore=shutil.ignore_patterns("expected"))
    return to


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    source = SourceFile("x", text)
    spans = sorted(
        ((offset(source, e.range.start), offset(source, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def _change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=path.as_uri()),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def _at(text: str, needle: str, after: int = 0) -> types.Position:
    index = text.index(needle) + after
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


async def _hover(client: LanguageClient, path: Path, at: types.Position) -> str:
    found = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), at)
    )
    assert found is not None
    return found.contents.value


async def _labels(client: LanguageClient, path: Path, at: types.Position) -> list[str]:
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(path.as_uri()), at)
    )
    return [item.label for item in found.items]


async def _actions(
    client: LanguageClient, path: Path, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(path.as_uri()),
            diagnostic.range,
            types.CodeActionContext([diagnostic]),
        )
    )


@pytest.mark.asyncio
async def test_quick_fixes_clear_the_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    manifest = _copy("fix/unknown-key-yaml", tmp_path / "c") / "backfill.config.yaml"
    text = manifest.read_text(encoding="utf-8")
    diagnostics = await opened(client, manifest)
    assert [d.code for d in diagnostics] == ["BF102", "BF102"]
    assert all(d.code_description and d.code_description.href for d in diagnostics)
    edits = []
    for diagnostic in diagnostics:
        (action,) = await _actions(client, manifest, diagnostic)
        edits += action.edit.changes[manifest.as_uri()]
    fixed = _apply(text, edits)
    assert "# misspelt" in fixed and "permissions:" in fixed
    forget(client, manifest)
    _change(client, manifest, fixed, 2)
    assert list(await published(client, manifest)) == []


@pytest.mark.asyncio
async def test_related_information_points_at_the_first_key(client: LanguageClient) -> None:
    manifest = GOLDEN / "bf003-duplicate-key" / "backfill.config.json"
    (diagnostic,) = await opened(client, manifest)
    (related,) = diagnostic.related_information
    assert related.location.uri == manifest.as_uri()
    assert related.location.range.start.line == 1
    assert related.message == "first defined here"


@pytest.mark.asyncio
async def test_hover(client: LanguageClient, tmp_path: Path) -> None:
    manifest = _copy("fix/tenant-token-yaml", tmp_path / "c") / "backfill.config.yaml"
    text = manifest.read_text(encoding="utf-8")
    await opened(client, manifest)
    assert "Setup instructions" in await _hover(client, manifest, _at(text, "setup:", 1))
    about_token = await _hover(client, manifest, _at(text, "<connectionId>", 2))
    assert "BF302 unknown-webhook-token" in about_token  # the rule at the diagnostic
    assert "names nothing this manifest declares" in about_token  # and the token
    fixed = text.replace("{tenant_id}", "<tenant_id>")
    _change(client, manifest, fixed, 2)
    assert "the id of the tenant" in await _hover(client, manifest, _at(fixed, "<tenant_id>", 3))


@pytest.mark.asyncio
async def test_completion(client: LanguageClient, tmp_path: Path) -> None:
    folder = _copy("gen-route-files", tmp_path / "c")
    manifest = folder / "backfill.config.yaml"
    text = manifest.read_text(encoding="utf-8")
    did_open(client, manifest)
    method_at = _at(text, "method: POST", len("method: "))
    assert "PATCH" in await _labels(client, manifest, method_at)
    route_at = _at(text, "route: /setup", len("route: "))
    assert {"/sync/a-b", "/sync/a/b", "/setup/test_connection"} <= set(
        await _labels(client, manifest, route_at)
    )
    token_at = _at(text, "<tenant_id>", 1)
    assert {"<tenant_id>", "<connection_id>"} <= set(await _labels(client, manifest, token_at))
    typing = text + "disp"
    _change(client, manifest, typing, 2)
    end = _at(typing, "disp", 4)
    labels = await _labels(client, manifest, end)
    assert "displayName" in labels and "name" not in labels  # `name` is already there


@pytest.mark.asyncio
async def test_route_file_edit_rechecks_the_manifest(
    client: LanguageClient, tmp_path: Path
) -> None:
    folder = _copy("gen-route-files", tmp_path / "c")
    manifest = folder / "backfill.config.yaml"
    route = folder / "src" / "api" / "sync" / "a-b.ts"
    forget(client, manifest, route)
    did_open(client, manifest)
    did_open(client, route)
    assert list(await published(client, route)) == []
    code = route.read_text(encoding="utf-8").replace(
        'import { api } from "@backfill-io/sdk";',
        'import { api, Http } from "@backfill-io/sdk";\nHttp.get("https://evil.example/x");',
    )
    forget(client, route)
    _change(client, route, code, 2)  # unsaved: the server checks the editor's text
    (blocked,) = await published(client, route)
    assert blocked.code == "BF705"
    (action,) = await _actions(client, route, blocked)
    (edit,) = action.edit.changes[manifest.as_uri()]
    assert edit.new_text.endswith("- https://evil.example/*")
