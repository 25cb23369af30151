"""schemas/manifest.schema.json is exactly what the model exports, and it validates manifests."""

from __future__ import annotations

import json

import jsonschema
from conftest import ROOT
from golden_support import compare, run_cli

from compiler.model import manifest_json_schema

SCHEMA_FILE = ROOT / "schemas" / "manifest.schema.json"  # a link into compiler/schemas


def _rendered() -> str:
    return json.dumps(manifest_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_checked_in_schema_matches_the_model(update_golden: bool) -> None:
    compare(SCHEMA_FILE, _rendered(), update_golden)


def test_schema_command_prints_the_checked_in_file(tmp_path) -> None:
    status, stdout, _ = run_cli(["schema"], tmp_path)
    assert status == 0
    assert stdout == SCHEMA_FILE.read_text(encoding="utf-8")


def test_schema_is_a_valid_2020_12_schema_that_accepts_and_rejects() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {"name": "acme", "connection": {"testConnection": {"route": "/a", "method": "POST"}}}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({"name": "acme", "connexion": {}}))
    assert list(validator.iter_errors({"connection": {}}))
