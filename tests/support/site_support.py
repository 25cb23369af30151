"""The docs site the browser tests read: every golden connector generate has expectations for,
and a connector whose every string is hostile (each would set `window.__pwned` if it ever ran
as markup)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backfill_codegen import driver
from backfill_codegen.resources import example_dir
from tests.support.paths import ROOT

PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def golden_connectors() -> list[Path]:
    """The connectors of golden/gen-*: the bundled example for the one marked EXAMPLE."""
    found = []
    for case in sorted((ROOT / "golden").glob("gen-*")):
        found.append(example_dir() if (case / "EXAMPLE").exists() else case)
    return found


def hostile_manifest() -> dict[str, Any]:
    def text(label: str) -> str:
        return f"{label} {PWN} **x** [l](javascript:window.__pwned=1) \" ' &amp; </script>"

    return {
        "name": "hostile",
        "displayName": text("Display"),
        "description": text("Description"),
        "version": "1.0.0",
        "permissions": {"http": ["https://api.hostile.example/*"]},
        "connection": {
            "setup": {
                "instructions": text("Step") + "\n\n```\n" + PWN + "\n```\n" + PWN,
            },
            "settingsSchema": {
                "type": "object",
                "title": text("Root"),
                "required": ["name"],
                "properties": {
                    "name": {
                        "type": "string",
                        "title": text("Title"),
                        "description": text("About"),
                        "minLength": 3,
                        "default": text("Default"),
                    },
                    "mode": {
                        "type": "string",
                        "title": text("Mode"),
                        "enum": [text("A"), text("B")],
                    },
                    "choice": {
                        "title": text("Choice"),
                        "oneOf": [
                            {
                                "title": text("One"),
                                "type": "object",
                                "properties": {"x": {"type": "string", "title": text("X")}},
                            },
                            {
                                "title": text("Two"),
                                "type": "object",
                                "properties": {"y": {"type": "integer", "maximum": 3}},
                            },
                        ],
                    },
                    "list": {
                        "type": "array",
                        "items": {"type": "string", "title": text("Item")},
                        "default": [text("First"), "second"],
                    },
                },
            },
        },
    }


def hostile_strings() -> list[str]:
    manifest = hostile_manifest()
    schema = manifest["connection"]["settingsSchema"]
    return [
        manifest["displayName"],
        manifest["description"],
        schema["properties"]["name"]["title"],
        schema["properties"]["name"]["description"],
    ]


#: A connector per dialect the browser validator is not named after (its class is chosen).
DIALECTS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft2019": "https://json-schema.org/draft/2019-09/schema",
}


def dialect_manifest(name: str, uri: str) -> dict[str, Any]:
    schema = {
        "$schema": uri,
        "type": "object",
        "required": ["count"],
        "properties": {"count": {"type": "integer", "title": "Count", "maximum": 9}},
    }
    return {"name": name, "connection": {"settingsSchema": schema}}


def build_site(tmp: Path) -> Path:
    """The site for the golden connectors, the hostile one and one per other dialect, in
    `tmp/site`."""
    manifests = {"hostile": hostile_manifest()}
    manifests.update({name: dialect_manifest(name, uri) for name, uri in DIALECTS.items()})
    for name, manifest in manifests.items():
        (tmp / name).mkdir(parents=True)
        (tmp / name / "backfill.config.json").write_text(json.dumps(manifest), "utf-8")
    reported: list[Any] = []
    extra = [tmp / name for name in manifests]
    built = driver.docs(
        [*golden_connectors(), *extra], reported.extend, output=tmp / "site", jobs=1
    )
    assert built.ok, reported
    return tmp / "site"
