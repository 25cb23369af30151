"""The OAuth checks read a setting as its dialect reads it (`settings_schema.as_read`): a
constraint the dialect's validators ignore (a sibling of `$ref` up to draft-07, a keyword of a
later dialect) pins no dynamic host (red-team finding C)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from backfill_codegen.checks import oauth

AUTH = "https://<shop>.myshop.example/oauth/authorize"
TOKEN = "https://acme.example/oauth/token"
DRAFT = {
    "03": "http://json-schema.org/draft-03/schema#",
    "04": "http://json-schema.org/draft-04/schema#",
    "06": "http://json-schema.org/draft-06/schema#",
    "07": "http://json-schema.org/draft-07/schema#",
    "2019": "https://json-schema.org/draft/2019-09/schema",
    "2020": "https://json-schema.org/draft/2020-12/schema",
}
REF_ALONE = ("03", "04", "06", "07")
#: Keywords that pin `shop` to host characters, each with the first dialect that has it.
PINS: dict[str, tuple[Any, str]] = {
    "pattern": ("^[a-z]+$", "03"),
    "enum": (["acme"], "03"),
    "const": ("acme", "06"),
}
ORDER = list(DRAFT)


def manifest(shop: dict[str, Any], draft: str) -> dict[str, Any]:
    schema = {
        "$schema": DRAFT[draft],
        "type": "object",
        "required": ["shop"],
        "properties": {"shop": shop},
        "definitions": {"s": {"type": "string"}},
    }
    oauth_block = {
        "type": "authorization_code",
        "authorizationUrlTemplate": AUTH,
        "tokenUrlTemplate": TOKEN,
        "scopes": ["a"],
        "client": {"credentialKey": "acme_app"},
    }
    return {"name": "acme", "connection": {"settingsSchema": schema, "oauth": oauth_block}}


def codes(m: dict[str, Any]) -> set[str]:
    found = set()
    for check in oauth.CHECKS:
        found.update(f.code for f in check.run(m))
    return found


def _cases() -> list[tuple[str, str, str, bool]]:
    """(dialect, placement, keyword, ignored): every dialect x {beside `$ref`, plain} x pin."""
    out = []
    for draft, placement, keyword in itertools.product(DRAFT, ("ref-sibling", "plain"), PINS):
        if draft == "03" and placement == "plain":
            continue  # draft-03 spells `required` on the property; not this family
        known = ORDER.index(draft) >= ORDER.index(PINS[keyword][1])
        beside_ignored = placement == "ref-sibling" and draft in REF_ALONE
        out.append((draft, placement, keyword, beside_ignored or not known))
    return out


@pytest.mark.parametrize(("draft", "placement", "keyword", "ignored"), _cases())
def test_a_pin_the_dialect_ignores_pins_nothing(
    draft: str, placement: str, keyword: str, ignored: bool
) -> None:
    value = PINS[keyword][0]
    if placement == "ref-sibling":
        shop = {"$ref": "#/definitions/s", keyword: value}
    else:
        shop = {"type": "string", keyword: value}
    found = codes(manifest(shop, draft))
    if ignored:
        assert "BF505" in found, (draft, placement, keyword)
    else:
        assert "BF505" not in found, (draft, placement, keyword)


@pytest.mark.parametrize(
    ("shop", "draft"),
    [
        ({"$ref": "#/definitions/s", "pattern": "^[a-z]+$"}, "07"),
        ({"type": "string", "const": "acme"}, "04"),
        ({"$ref": "#/definitions/s", "enum": ["a"]}, "04"),
    ],
)
def test_the_red_team_examples(shop: dict[str, Any], draft: str) -> None:
    m = manifest(shop, draft)
    assert "BF505" in codes(m)
    messages = [f.message for check in oauth.CHECKS for f in check.run(m) if f.code == "BF505"]
    assert all("as written is ignored" in message for message in messages)


def test_the_ref_target_still_pins() -> None:
    m = manifest({"$ref": "#/definitions/p"}, "07")
    m["connection"]["settingsSchema"]["definitions"]["p"] = {"type": "string", "enum": ["a"]}
    assert "BF505" not in codes(m)


def test_a_pasted_token_the_dialect_ignores_is_no_setting() -> None:
    m = manifest({"type": "string", "enum": ["a"]}, "07")
    schema = m["connection"]["settingsSchema"]
    schema["properties"]["x"] = {"$ref": "#/definitions/s", "properties": {"access_token": {}}}
    assert "BF510" not in codes(m)
    schema["properties"]["x"] = {"type": "object", "properties": {"access_token": {}}}
    assert "BF510" in codes(m)
