"""The whole site for a set of connectors, as relative path -> text (the writer puts it on
disk). Deterministic: connectors sorted by name, no time stamps, no absolute paths."""

from __future__ import annotations

import json

from backfill_codegen import ir
from backfill_codegen.emit import openapi
from backfill_codegen.emit.site import pages
from backfill_codegen.resources import data_dir

ASSETS = ("site.css", "site.js", "ajv.js")


def build(connectors: list[ir.Connector]) -> dict[str, str]:
    ordered = sorted(connectors, key=lambda c: c.name)
    files = {"index.html": pages.index(ordered)}
    for connector in ordered:
        (document,) = openapi.emit(connector).values()
        download = f"{connector.name}.openapi.json"
        files[f"connectors/{download}"] = document
        files[f"connectors/{connector.name}.html"] = pages.connector_page(
            connector, json.loads(document), download
        )
    for name in ASSETS:
        text = (data_dir("site_assets") / name).read_text(encoding="utf-8")
        files[f"assets/{name}"] = text
    return files
