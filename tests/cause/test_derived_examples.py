"""The issue's examples of one mistake, one diagnostic (derived.py), each in one connector."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backfill_codegen.pipeline import check_manifest

ROOT = Path(__file__).resolve().parents[2]


def _codes(manifest: Path) -> list[str]:
    return [d.code for d in check_manifest(manifest).diagnostics]


def test_non_static_required_key_gives_bf004_only(tmp_path: Path) -> None:
    manifest = tmp_path / "backfill.config.ts"
    manifest.write_text("const n = process.env.X;\nexport default { name: n };\n")
    assert _codes(manifest) == ["BF004"]


def test_misspelt_permissions_keeps_only_calls_its_entries_do_not_allow(tmp_path: Path) -> None:
    case = tmp_path / "c"
    shutil.copytree(ROOT / "golden" / "bf705-blocked-http-call", case)
    manifest = case / "backfill.config.json"
    manifest.write_text(manifest.read_text().replace('"permissions"', '"permisions"'))
    result = check_manifest(manifest)
    assert [d.code for d in result.diagnostics] == ["BF102", "BF705"]
    assert "hooks.analytics.example" in result.diagnostics[1].message


def test_misspelt_properties_points_at_the_typo_only(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "propertes": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a", "b"],
    }
    manifest = tmp_path / "backfill.config.json"
    manifest.write_text(json.dumps({"name": "acme", "connection": {"settingsSchema": schema}}))
    assert _codes(manifest) == ["BF411"]


@pytest.mark.parametrize(
    "tokens",
    [("<tenantId>", "<connection_id>"), ("<tenant_id>", "<conection_id>")],
)
def test_a_misspelt_webhook_token_gives_one_diagnostic(tmp_path: Path, tokens: tuple) -> None:
    """Not also the wrong prefix (BF303) or a missing `<connection_id>` (BF304)."""
    tenant, connection = tokens
    template = f"/api/v1/extensions/{tenant}/acme/routes/webhooks/x?connection_id={connection}"
    manifest = tmp_path / "backfill.config.json"
    setup = {"webhookUrlTemplate": template}
    manifest.write_text(json.dumps({"name": "acme", "connection": {"setup": setup}}))
    assert _codes(manifest) == ["BF302"]


def test_an_unknown_format_does_not_hide_a_missing_pattern(tmp_path: Path) -> None:
    """Derived means read by the verdict: BF505 (no `enum`/`pattern`) does not read `format`."""
    manifest = tmp_path / "backfill.config.ts"
    manifest.write_text(
        "export default {\n"
        '  name: "acme",\n'
        "  connection: {\n"
        "    settingsSchema: {\n"
        '      type: "object",\n'
        '      required: ["shop"],\n'
        '      properties: { shop: { type: "string", format: process.env.F } },\n'
        "    },\n"
        "    oauth: {\n"
        '      type: "authorization_code",\n'
        '      authorizationUrlTemplate: "https://<shop>.acme.example/oauth/authorize",\n'
        '      tokenUrlTemplate: "https://<shop>.acme.example/oauth/token",\n'
        '      scopes: ["read"],\n'
        '      client: { credentialKey: "acme_app" },\n'
        "    },\n"
        "  },\n"
        "};\n"
    )
    codes = _codes(manifest)
    assert codes.count("BF004") == 1 and "BF505" in codes, codes
