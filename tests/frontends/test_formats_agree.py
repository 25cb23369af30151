"""The same manifest as TypeScript, JSON and YAML gives the same value and the same diagnostics."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from backfill_codegen.pipeline import check_manifest

STRIPE_LIKE: dict[str, Any] = {
    "name": "acme",
    "displayName": 'Acme \u2028 "quoted" `tick` ${x} */',
    "permissions": {"http": ["https://api.acme.example/*", "http://api.acme.example/v1/*"]},
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "post"},
        "setup": {
            "webhookUrlTemplate": "/api/v1/extensions/<tenant_id>/acme/routes/hooks/acme"
            "?connection_id=<connection>",
            "instructions": "Paste the key.\nThen click *Test*.",
        },
        "settingsSchema": {
            "type": "object",
            "required": ["api_key", "shop", "missing"],
            "properties": {
                "api_key": {"type": "string", "writeOnly": True},
                "shop": {"type": "string", "pattern": "[a-z]+"},
                "retries": {"type": "integer", "default": "3"},
                "ratio": {"type": "number", "default": 0.5},
            },
        },
        "oauth": {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://<shop>.acme.example/oauth/authorize",
            "tokenUrlTemplate": "https://<shop>.acme.example/oauth/token",
            "scopes": ["read", "read"],
            "client": {"credentialKey": "acme_app"},
        },
    },
    "extra": None,
}

MINIMAL: dict[str, Any] = {"name": "acme", "version": "1.0.0", "permissions": {"http": []}}


def _yaml(value: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()


RENDERERS = {
    "backfill.config.json": lambda value: json.dumps(value, indent=2),
    "backfill.config.yaml": _yaml,
    "backfill.config.ts": lambda value: (
        'import { defineConfig } from "@backfill-io/sdk";\n\n'
        f"export default defineConfig({json.dumps(value, indent=2)} as const);\n"
    ),
}


@pytest.mark.parametrize("manifest", [STRIPE_LIKE, MINIMAL], ids=["defective", "minimal"])
def test_formats_agree(manifest: dict[str, Any], tmp_path: Path) -> None:
    outcomes = {}
    for name, render in RENDERERS.items():
        folder = tmp_path / name.rsplit(".", 1)[1]
        folder.mkdir()
        (folder / name).write_text(render(manifest), encoding="utf-8")
        result = check_manifest(folder / name)
        assert result.manifest == manifest, name
        outcomes[name] = sorted(
            (d.code, d.severity.value, d.message, d.help) for d in result.diagnostics
        )
    first, *rest = outcomes.values()
    for other in rest:
        assert other == first
    if manifest is STRIPE_LIKE:  # the comparison is not vacuous
        assert {code for code, *_ in first} >= {"BF102", "BF202", "BF302", "BF403", "BF601"}
