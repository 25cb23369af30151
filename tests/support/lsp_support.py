"""Starting the language server as the editor recipes (docs/editors.md) do, and talking to it."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.support.paths import ROOT


def readme_commands() -> tuple[list[str], list[str]]:
    """The server command of the VS Code snippet and of its Neovim snippet."""
    editors = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    vscode = json.loads(re.search(r"```json\n(\{\n.*?\n\})\n```", editors, re.S)[1])
    lua = re.search(r"```lua\n(.*?)```", editors, re.S)[1]
    nvim = re.findall(r'"([^"]+)"', re.search(r"cmd = \{([^}]*)\}", lua)[1])
    return [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]], nvim


def server_command() -> list[str]:
    """The README's command, its program found beside this Python (the venv's scripts)."""
    vscode, nvim = readme_commands()
    assert vscode == nvim
    program = Path(sys.executable).parent / vscode[0]
    found = str(program) if program.exists() else shutil.which(vscode[0])
    assert found, f"{vscode[0]} is not installed"
    return [found, *vscode[1:]]


def language(path: Path) -> str:
    return {".ts": "typescript", ".json": "json"}.get(path.suffix, "yaml")


def did_open(client, path: Path, text: str | None = None, version: int = 1) -> None:
    text = path.read_text(encoding="utf-8") if text is None else text
    item = types.TextDocumentItem(path.as_uri(), language(path), version, text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))


def forget(client, *paths: Path) -> None:
    """Forget what was published for `paths`, before the request that republishes them."""
    for path in paths:
        client.diagnostics.pop(path.as_uri(), None)


async def published(client, path: Path, *, seconds: float = 20) -> list[types.Diagnostic]:
    """The diagnostics published for `path` since `forget`: waits for them, a bounded time."""
    uri = path.as_uri()

    async def arrival() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(arrival(), seconds)


async def opened(client, path: Path) -> list[types.Diagnostic]:
    """Open `path` (its text on disk) and wait for its diagnostics."""
    forget(client, path)
    did_open(client, path)
    return await published(client, path)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def client(lsp_client: LanguageClient):
    """A client session with the server (debounce off: the tests wait on notifications)."""
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"debounceMs": 0},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()
