"""The language server reports what `check --format json` reports, code and range, on every
golden case: one code path (pipeline.check_text), positions converted to LSP's UTF-16."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from backfill_codegen.lsp.positions import as_tuple, range_of
from backfill_codegen.rules.manifest import DUPLICATE_NAME
from backfill_codegen.source import SourceFile, Span
from tests.support import lsp_support
from tests.support.golden_support import case_source, run_cli
from tests.support.lsp_support import did_open, forget, published
from tests.support.paths import ROOT

CASES = sorted(p for p in (ROOT / "golden").iterdir() if p.is_dir() and p.name != "fix")
client = lsp_support.client  # the fixture: a session with the server
#: Rules about a tree of connectors, which `check` of a folder sees and the server does not.
TREE_RULES = {DUPLICATE_NAME.code}


def _openable(path: Path) -> bool:
    """What an editor can open as text: a regular file of UTF-8."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\0" not in path.read_text(encoding="utf-8")


def _manifests(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("backfill.config.*")
        if not {"expected", "generated", "node_modules"} & set(p.relative_to(folder).parts)
    )


def _lsp_range(folder: Path, item: dict) -> tuple[str, str, tuple[int, int, int, int]]:
    """A `check --format json` item as (file, code, LSP range)."""
    path = folder / item["file"]
    text = path.read_bytes().decode("utf-8", "replace") if path.is_file() else ""
    if text.startswith("\ufeff"):
        text = text[1:]
    source = SourceFile(item["file"], text)

    def to_offset(line: int, column: int) -> int:
        return source.line_starts[line - 1] + column - 1

    span = Span(
        to_offset(item["line"], item["column"]), to_offset(item["end_line"], item["end_column"])
    )
    return item["file"], item["code"], as_tuple(range_of(source, span))


@pytest.mark.asyncio
async def test_diagnostics_equal_checks_on_every_golden_case(client: LanguageClient) -> None:
    compared = 0
    for case in CASES:
        folder = case_source(case)
        manifests = _manifests(folder)
        if not manifests or not all(_openable(m) for m in manifests):
            continue  # BF002/BF009/BF010: no editor holds such a file as text
        _, out, _ = run_cli(["check", ".", "--format", "json"], folder)
        expected = sorted(
            _lsp_range(folder, item)
            for item in json.loads(out)
            if item["code"] not in TREE_RULES  # the server checks one connector, not a tree
        )
        seen: dict[Path, list[types.Diagnostic]] = {}
        forget(client, *[folder / item[0] for item in expected], *manifests)
        for manifest in manifests:
            did_open(client, manifest)
            await published(client, manifest)
        for uri, diagnostics in client.diagnostics.items():
            path = Path(uri.removeprefix("file://"))
            if path.is_relative_to(folder):
                seen[path] = diagnostics
        actual = sorted(
            (
                path.relative_to(folder).as_posix(),
                str(d.code),
                as_tuple(d.range),
            )
            for path, diagnostics in seen.items()
            for d in diagnostics
        )
        assert actual == expected, case.name
        for manifest in manifests:
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(manifest.as_uri()))
            )
        compared += 1
    assert compared >= len(CASES) - 5
