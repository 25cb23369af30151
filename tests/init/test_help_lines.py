"""Every diagnostic says how to fix it: a `help:` line on each diagnostic of the golden corpus
(the front ends' syntax errors aside: a parser's message is its own help), and on generated
cases of the rules that lacked one (BF103, BF401, BF404, BF406, BF605)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backfill_codegen.pipeline import check_manifest
from backfill_codegen.workspace import find_manifests
from tests.support.paths import ROOT

#: Syntax errors (the manifest's and a route file's) and a route file's non-static config: the
#: front ends own their messages.
FRONT_END = frozenset(("BF001", "BF703", "BF708"))


def test_every_golden_diagnostic_has_help() -> None:
    missing = [
        f"{d.file}:{d.line} {d.code}"
        for manifest in find_manifests([ROOT / "golden"])
        for d in check_manifest(manifest).diagnostics
        if not d.help and d.code not in FRONT_END
    ]
    assert not missing


CASES = {
    "BF103": {"name": "x", "version": 2},
    "BF103-list": {"name": "x", "permissions": {"http": "https://api.example.com/*"}},
    "BF401": {"name": "x", "connection": {"settingsSchema": {"type": "object", "required": 1}}},
    "BF404": {
        "name": "x",
        "connection": {
            "settingsSchema": {
                "type": "object",
                "properties": {"n": {"type": "integer", "default": "one"}},
            }
        },
    },
    "BF406": {
        "name": "x",
        "connection": {
            "settingsSchema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/zzz"}}}
        },
    },
    "BF605": {"name": "x", "permissions": {"http": ["https://<shop>.myshopify.com/*"]}},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_rules_that_lacked_help_have_it(case: str, tmp_path: Path) -> None:
    manifest = tmp_path / "backfill.config.json"
    manifest.write_text(json.dumps(CASES[case]), encoding="utf-8")
    code = case.split("-")[0]
    found = [d for d in check_manifest(manifest).diagnostics if d.code == code]
    assert found and all(d.help for d in found), found
    if code == "BF605":  # why a token cannot be there, and what to do instead
        (bf605,) = found
        assert "only in OAuth URL templates" in bf605.help and "per-tenant" in bf605.help
