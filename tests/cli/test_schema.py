"""schemas/manifest.schema.json is exactly what the model exports, and it validates manifests."""

from __future__ import annotations

import json

import jsonschema

from backfill_codegen.model import manifest_json_schema
from tests.support.golden_support import compare, run_cli
from tests.support.paths import ROOT

SCHEMA_FILE = ROOT / "schemas" / "manifest.schema.json"  # a link into backfill_codegen/schemas


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


def test_every_object_and_field_has_a_description_for_editors() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    missing = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}/{name}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")

    walk(schema, "#")
    missing += [
        f"#/$defs/{name}" for name, sub in schema["$defs"].items() if "description" not in sub
    ]
    assert not missing, missing


def test_editors_can_point_a_manifest_at_the_schema(tmp_path) -> None:
    (tmp_path / "backfill.config.json").write_text(
        '{"$schema": "./schemas/manifest.schema.json", "name": "acme"}', encoding="utf-8"
    )
    status, stdout, _ = run_cli(["check"], tmp_path)
    assert status == 0, stdout
    (tmp_path / "backfill.config.json").unlink()
    (tmp_path / "backfill.config.yaml").write_text(
        "# yaml-language-server: $schema=./schemas/manifest.schema.json\nname: acme\n",
        encoding="utf-8",
    )
    status, stdout, _ = run_cli(["check"], tmp_path)
    assert status == 0, stdout
