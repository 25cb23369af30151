"""The editor recipes (docs/editors.md, linked from the README's Editors) agree with each other
and with the server: one command (the e2e tests start the server with it), the languages of the
three manifest formats, every manifest name as Neovim's root marker."""

from __future__ import annotations

import json
import re

from backfill_codegen.workspace import MANIFEST_NAMES
from tests.support.lsp_support import readme_commands
from tests.support.paths import ROOT

EDITORS = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")


def test_both_recipes_start_the_same_server() -> None:
    vscode, nvim = readme_commands()
    assert vscode == nvim == ["backfill-codegen", "lsp"]


def test_recipes_cover_every_manifest_format() -> None:
    vscode = json.loads(re.search(r"```json\n(\{\n.*?\n\})\n```", EDITORS, re.S)[1])
    lua = re.search(r"```lua\n(.*?)```", EDITORS, re.S)[1]
    languages = {"typescript", "json", "yaml"}
    assert set(vscode["glspc.server.languageId"]) == languages
    assert set(re.findall(r'"(\w+)"', re.search(r"pattern = \{([^}]*)\}", lua)[1])) == languages
    assert set(re.findall(r'"(backfill\.config\.\w+)"', lua)) == set(MANIFEST_NAMES)
