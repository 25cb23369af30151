"""A string default the generated model's format type refuses is BF404 (red-team finding G):
`check` asserts exactly the formats settings.py types. The oracle is the generated settings.py
itself, built by the real generator for a generated family of (format x value) defaults."""

from __future__ import annotations

import itertools
from typing import Any

import pydantic
import pytest

from backfill_codegen.checks import settings
from backfill_codegen.emit.python_settings import generate_settings_module

FORMATS = [
    "date-time", "date", "time", "duration", "uuid", "uuid4", "ipv4", "ipv6", "uri", "byte",
    "decimal", "hostname", "date-time-local", "time-local", "email", "uri-reference",
    "idn-hostname", "json-pointer", "regex", "int32",
]  # fmt: skip
VALUES = [
    "nope", "x", "", "999.1.1.1", "1.2.3.4", "::1", "2020-02-30", "2020-02-28", "25:00",
    "12:30:00", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00", "P1D", "1.5",
    "12345678-1234-4234-9234-123456789012", "https://example.com/", "aGVsbG8=", "a_b.example",
    "example.com", "1700000000",
]  # fmt: skip


def bf404(schema: dict[str, Any]) -> set[tuple[Any, ...]]:
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    return {
        f.at.path[2:] for check in settings.CHECKS for f in check.run(manifest) if f.code == "BF404"
    }


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str], tuple[bool, bool]]:
    """(format, value) -> (check reports BF404, the generated model refuses the value)."""
    cases = list(itertools.product(FORMATS, VALUES))
    properties = {
        f"p{i}": {"type": "string", "format": fmt, "default": value}
        for i, (fmt, value) in enumerate(cases)
    }
    schema = {"type": "object", "properties": properties}
    namespace: dict[str, Any] = {}
    exec(compile(generate_settings_module(schema), "settings.py", "exec"), namespace)
    model = namespace["Settings"]
    model.model_rebuild(_types_namespace=namespace)
    reported = bf404(schema)
    out = {}
    for i, case in enumerate(cases):
        try:
            model.model_validate({f"p{i}": case[1]})
            refused = False
        except pydantic.ValidationError:
            refused = True
        out[case] = (("properties", f"p{i}", "default") in reported, refused)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_refuses_exactly_what_the_model_refuses(
    verdicts: dict[tuple[str, str], tuple[bool, bool]], fmt: str
) -> None:
    wrong = {v: verdicts[(fmt, v)] for v in VALUES if len(set(verdicts[(fmt, v)])) != 1}
    assert wrong == {}


@pytest.mark.parametrize(
    ("fmt", "value"),
    [
        ("date-time", "nope"),
        ("uuid", "x"),
        ("ipv4", "999.1.1.1"),
        ("date", "2020-02-30"),
        ("time", "25:00"),
    ],
)
def test_the_red_team_examples(fmt: str, value: str) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "format": fmt, "default": value}},
    }
    assert bf404(schema) == {("properties", "a", "default")}


def test_a_secret_or_a_ref_sibling_format_is_not_typed() -> None:
    secret = {"type": "string", "format": "date-time", "writeOnly": True, "default": "nope"}
    assert bf404({"type": "object", "properties": {"a": secret}}) == set()
