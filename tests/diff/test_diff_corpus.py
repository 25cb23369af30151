"""`diff` on the shared corpus of real settings schemas: each against itself and against a
refactored copy reports nothing; each against a tightened copy reports the break, with a
counter-example Python `jsonschema` confirms on both sides."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import validators

from backfill_codegen.diagnostics.model import Severity
from backfill_codegen.diff.change import NO_EXAMPLE
from backfill_codegen.diff.settings import compare
from tests.support.paths import SHARED_CORPUS

CORPUS = SHARED_CORPUS / "settings-schemas"
FILES = (
    sorted(p for p in CORPUS.glob("*.json") if p.name != "INDEX.json") if CORPUS.is_dir() else []
)
_TEXT = ("title", "description", "examples", "order", "airbyte_secret")


def _schema(path: Path) -> dict[str, Any]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def _refactored(schema: dict[str, Any]) -> dict[str, Any]:
    """Every root property moved into `$defs`, the order reversed, the texts dropped."""
    out = copy.deepcopy(schema)
    defs = out.setdefault("$defs", {})
    properties = out.get("properties", {})
    for name in list(properties):
        if isinstance(properties[name], dict) and "$ref" not in properties[name]:
            moved = {k: v for k, v in properties[name].items() if k not in _TEXT}
            defs[f"moved_{len(defs)}"] = moved
            properties[name] = {"$ref": f"#/$defs/moved_{len(defs) - 1}"}
    if properties:
        out["properties"] = dict(reversed(list(properties.items())))
    return out


def _tightened(schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One enum value removed (when a root property has an enum), else a new required setting."""
    out = copy.deepcopy(schema)
    for prop in out.get("properties", {}).values():
        if isinstance(prop, dict) and len(prop.get("enum", ())) > 1 and "default" not in prop:
            prop["enum"] = prop["enum"][:-1]
            return out, "BF803"
    out.setdefault("properties", {})["zz_new_setting"] = {"type": "string"}
    out["required"] = [*out.get("required", []), "zz_new_setting"]
    return out, "BF801"


def test_the_corpus_is_here_in_ci() -> None:
    if not FILES and os.environ.get("CI"):
        pytest.fail(f"the corpus is missing: {CORPUS}")


@pytest.mark.skipif(not FILES, reason="the shared corpus is not here")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_schema(path: Path) -> None:
    schema = _schema(path)
    assert compare(schema, copy.deepcopy(schema)) == []
    assert compare(schema, _refactored(schema)) == []
    cls = validators.validator_for(schema)
    if re.search(r'"\$ref": "[^#]', json.dumps(schema)):
        return  # a remote `$ref`: `check` stops these (BF405), nothing could be confirmed
    tightened, code = _tightened(schema)
    found = [c for c in compare(schema, tightened) if c.rule.severity == Severity.ERROR]
    # BF812 when the root is a `$ref` beside the new keywords (an `allOf` of the two)
    assert {c.rule.code for c in found} & {code, "BF812"}, code
    for change in found:
        assert change.counter_example is not NO_EXAMPLE
        # secrets are masked in the counter-example, so it is checked with them unmasked
        assert not cls(tightened).is_valid(change.counter_example) or "***" in json.dumps(
            change.counter_example
        )
