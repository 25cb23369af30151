"""Bad input never crashes: arbitrary and mutated manifests through the whole `check` pipeline.

Every run must end in exit status 0 or 1 with every diagnostic located inside its file, and no
exception. Example counts come from the hypothesis profile (1,000 in CI, see conftest.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from backfill_codegen.pipeline import check_manifest
from tests.support.paths import GOLDEN

SUFFIXES = (".json", ".yaml", ".ts")
ALL_SUFFIXES = (*SUFFIXES, ".yml")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)

# Keys and values that reach deep into the semantic rules, not just the parsers.
KEYS = st.sampled_from(
    [
        "name",
        "connection",
        "permissions",
        "http",
        "testConnection",
        "route",
        "method",
        "setup",
        "webhookUrlTemplate",
        "instructions",
        "settingsSchema",
        "oauth",
        "type",
        "properties",
        "required",
        "pattern",
        "enum",
        "default",
        "$ref",
        "$schema",
        "authorizationUrlTemplate",
        "tokenUrlTemplate",
        "scopes",
        "client",
        "credentialKey",
        "postConnect",
        "format",
        "writeOnly",
        "items",
        "$defs",
    ]
)
STRINGS = st.sampled_from(
    [
        "acme",
        "/setup/x",
        "POST",
        "object",
        "string",
        "https://<shop>.example.com/a",
        "https://api.example.com/*",
        "^[a-z]+$",
        "(a+)+$",
        "#/$defs/a",
        "#",
        "https://example.com/s.json",
        "/api/v1/extensions/<tenant_id>/acme/routes/h?connection_id=<connection_id>",
        "<shop>",
        "hostname",
        "authorization_code",
        "[",
        "",
    ]
)
manifest_like = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | STRINGS | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=40,
)


def _to_ts(value: Any) -> str:
    return "export default " + json.dumps(value) + " as const;\n"


def _render(value: Any, suffix: str) -> str:
    if suffix == ".ts":
        return _to_ts(value)
    return json.dumps(value, indent=1)  # JSON is YAML 1.2 too


def _assert_well_formed(text: str | bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"backfill.config{suffix}"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = check_manifest(path)
    for diagnostic in result.diagnostics:
        assert diagnostic.primary is not None, diagnostic
        span = diagnostic.primary.span
        assert 0 <= span.start <= span.end <= len(diagnostic.primary.source.text), diagnostic
        for label in diagnostic.secondary:
            assert 0 <= label.span.start <= label.span.end <= len(label.source.text)


@given(st.sampled_from(SUFFIXES), st.text(max_size=200))
def test_arbitrary_text(suffix: str, text: str) -> None:
    _assert_well_formed(text, suffix)


@given(st.sampled_from(SUFFIXES), st.binary(max_size=200))
def test_arbitrary_bytes(suffix: str, data: bytes) -> None:
    _assert_well_formed(data, suffix)


@given(st.sampled_from(SUFFIXES), json_values)
def test_arbitrary_json_values(suffix: str, value: Any) -> None:
    _assert_well_formed(_render(value, suffix), suffix)


@given(st.sampled_from(SUFFIXES), manifest_like)
def test_manifest_shaped_values(suffix: str, value: Any) -> None:
    _assert_well_formed(_render(value, suffix), suffix)


GOLDEN_MANIFESTS = sorted(
    path for path in GOLDEN.glob("*/backfill.config.*") if path.suffix in ALL_SUFFIXES
)


@given(
    st.sampled_from(GOLDEN_MANIFESTS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.text(max_size=6)), max_size=4),
)
def test_mutated_golden_manifests(path: Path, edits: list[tuple[int, int, str]]) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    _assert_well_formed(text, path.suffix)
