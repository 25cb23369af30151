"""The strict JSON front end: values, spans, every error with its location, limits, speed."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.frontends.base import FrontendResult
from backfill_codegen.frontends.json import parse
from backfill_codegen.limits import MAX_DEPTH
from backfill_codegen.source import SourceFile


def run(text: str) -> tuple[SourceFile, FrontendResult]:
    source = SourceFile("backfill.config.json", text)
    return source, parse(source)


def where(source: SourceFile, offset: int) -> tuple[int, int]:
    position = source.position(offset)
    return position.line, position.column


def only(result: FrontendResult) -> Diagnostic:
    assert len(result.diagnostics) == 1, result.diagnostics
    return result.diagnostics[0]


def located(source: SourceFile, diagnostic: Diagnostic) -> tuple[str, int, int]:
    assert diagnostic.primary is not None
    line, column = where(source, diagnostic.primary.span.start)
    return diagnostic.code, line, column


# -- values and spans --------------------------------------------------------------------------


def test_values_keep_their_json_types() -> None:
    _, result = run(
        '{"i": 1, "f": 1.0, "e": 1e2, "big": 123456789012345678901234567890, "neg": -0,'
        ' "t": true, "n": null, "s": "a\\u00e9\\ud83d\\ude00", "l": [], "o": {}}'
    )
    assert result.diagnostics == []
    assert result.document is not None
    value = result.document.value
    assert value == {
        "i": 1,
        "f": 1.0,
        "e": 100.0,
        "big": 123456789012345678901234567890,
        "neg": 0,
        "t": True,
        "n": None,
        "s": "aé😀",
        "l": [],
        "o": {},
    }
    assert type(value["i"]) is int
    assert type(value["f"]) is float
    assert type(value["e"]) is float
    assert type(value["big"]) is int


def test_spans_cover_keys_and_values_with_non_ascii_and_crlf() -> None:
    text = '{\r\n  "nämé": "äcme",\r\n  "list": [1, {"k": null}],\r\n  "€": "x\u2028y", "z": 2\r\n}'
    source, result = run(text)
    assert result.diagnostics == []
    document = result.document
    assert document is not None
    spans = document.value_spans
    keys = document.key_spans

    def text_of(span: Any) -> str:
        return text[span.start : span.end]

    assert text_of(keys[("nämé",)]) == '"nämé"'
    assert where(source, keys[("nämé",)].start) == (2, 3)
    assert text_of(spans[("nämé",)]) == '"äcme"'
    assert where(source, spans[("nämé",)].start) == (2, 11)
    assert text_of(spans[("list",)]) == '[1, {"k": null}]'
    assert where(source, spans[("list", 0)].start) == (3, 12)
    assert text_of(spans[("list", 1)]) == '{"k": null}'
    assert text_of(keys[("list", 1, "k")]) == '"k"'
    assert text_of(spans[("list", 1, "k")]) == "null"
    assert where(source, spans[("list", 1, "k")].start) == (3, 21)
    assert spans[()].start == 0 and spans[()].end == len(text)
    # A raw U+2028 inside a string is a character, not a line break: "z" stays on line 4.
    assert text_of(spans[("€",)]) == '"x\u2028y"'
    assert where(source, keys[("z",)].start) == (4, 15)
    assert where(source, spans[("z",)].start) == (4, 20)
    # Every path has a value span; every object member has a key span.
    assert set(spans) == {
        (),
        ("nämé",),
        ("list",),
        ("list", 0),
        ("list", 1),
        ("list", 1, "k"),
        ("€",),
        ("z",),
    }
    assert set(keys) == {("nämé",), ("list",), ("list", 1, "k"), ("€",), ("z",)}


def test_root_scalar_and_surrounding_whitespace() -> None:
    _, result = run('  \n "acme" \n')
    assert result.document is not None
    assert result.document.value == "acme"
    assert result.document.value_spans[()].start == 4


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        ('{"name": "acme",}', "BF001", 1, 16, "trailing commas are not allowed in JSON"),
        ('{"a": [1, 2,\n ]}', "BF001", 1, 12, "trailing commas are not allowed in JSON"),
        ('{"a": 1 "b": 2}', "BF001", 1, 9, "expected ',' or '}' after an object member"),
        ("[1 2]", "BF001", 1, 4, "expected ',' or ']' after an array element"),
        ('{"a" 1}', "BF001", 1, 6, "expected ':' after an object key"),
        ('{\n  // note\n  "a": 1}', "BF001", 2, 3, "comments are not allowed in JSON"),
        ('{"a": /* x */ 1}', "BF001", 1, 7, "comments are not allowed in JSON"),
        ('{"a": 1}\n# hash', "BF001", 2, 1, "unexpected text after the JSON value"),
        ("{'a': 1}", "BF001", 1, 2, "JSON keys use double quotes"),
        ("{\"a\": 'x'}", "BF001", 1, 7, "JSON strings use double quotes"),
        ("{a: 1}", "BF001", 1, 2, "object keys must be strings in double quotes"),
        ('{"a": True}', "BF001", 1, 7, "'True' is not a JSON value"),
        ('{"a": tru}', "BF001", 1, 7, "unexpected 'tru'"),
        ('{"a": 01}', "BF001", 1, 7, "invalid number '01'"),
        ('{"a": 1.}', "BF001", 1, 7, "invalid number '1.'"),
        ('{"a": +1}', "BF001", 1, 7, "invalid number '+1'"),
        ('{"a": 0x1F}', "BF001", 1, 7, "invalid number '0x1F'"),
        ('{"a": "abc}', "BF001", 1, 7, "unterminated string"),
        ('{"a": "x\ny"}', "BF001", 1, 9, "a JSON string cannot span lines"),
        (
            '{"a": "x\ty"}',
            "BF001",
            1,
            9,
            "control character U+0009 is not allowed in a JSON string",
        ),
        ('{"a": "\\q"}', "BF001", 1, 8, "invalid escape \\q"),
        ('{"a": "\\u12"}', "BF001", 1, 8, "invalid \\u escape"),
        ("[1,,2]", "BF001", 1, 4, "expected a value before ','"),
        ('{"a": [1, 2}', "BF001", 1, 12, "expected ',' or ']' after an array element, found '}'"),
        ("1 2", "BF001", 1, 3, "unexpected text after the JSON value"),
        ("\ufeff{}", "BF001", 1, 1, "expected a value, found U+FEFF"),
        ('{"a": NaN}', "BF008", 1, 7, "NaN is not a JSON number"),
        ('{"a": -Infinity}', "BF008", 1, 7, "-Infinity is not a JSON number"),
        ('{"a": Infinity}', "BF008", 1, 7, "Infinity is not a JSON number"),
        ("[1e999]", "BF008", 1, 2, "this number is too large for a 64-bit float"),
        ('["\\ud800"]', "BF008", 1, 2, "lone UTF-16 surrogate"),
        ("[" + "9" * 5000 + "]", "BF006", 1, 2, "this integer has too many digits"),
    ],
)
def test_errors_are_located(text: str, code: str, line: int, column: int, message: str) -> None:
    source, result = run(text)
    diagnostic = only(result)
    assert located(source, diagnostic) == (code, line, column)
    assert message in diagnostic.message
    if code in ("BF001", "BF006"):
        assert result.document is None


def test_unexpected_end_names_the_open_bracket() -> None:
    source, result = run('{"a": [1,\n  2')
    diagnostic = only(result)
    assert located(source, diagnostic) == ("BF001", 2, 4)
    assert diagnostic.message.startswith("unexpected end of file")
    assert [where(source, label.span.start) for label in diagnostic.secondary] == [(1, 7)]
    assert diagnostic.secondary[0].message == "this array is not closed"


def test_nan_keeps_the_document_with_null() -> None:
    _, result = run('{"name": "acme", "n": NaN}')
    assert [d.code for d in result.diagnostics] == ["BF008"]
    assert result.document is not None
    assert result.document.value == {"name": "acme", "n": None}


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t "])
def test_empty_is_bf007(text: str) -> None:
    source, result = run(text)
    assert located(source, only(result)) == ("BF007", 1, 1)
    assert result.document is None


def test_duplicate_key_points_at_second_with_note_at_first() -> None:
    text = '{\n  "name": {"x": [1]},\n  "other": 1,\n  "name": "second"\n}'
    source, result = run(text)
    diagnostic = only(result)
    assert located(source, diagnostic) == ("BF003", 4, 3)
    assert diagnostic.message == 'duplicate key "name"'
    assert [(where(source, s.span.start), s.message) for s in diagnostic.secondary] == [
        ((2, 3), "first defined here")
    ]
    document = result.document
    assert document is not None
    assert document.value == {"name": "second", "other": 1}
    # The spans describe the later value; the earlier value's inner paths are gone.
    assert where(source, document.key_spans[("name",)].start) == (4, 3)
    assert text[document.value_spans[("name",)].start :].startswith('"second"')
    assert ("name", "x") not in document.value_spans
    assert ("name", "x", 0) not in document.value_spans
    assert ("name", "x") not in document.key_spans


def test_every_duplicate_is_reported() -> None:
    _, result = run('{"a": 1, "a": 2, "b": {"c": 1, "c": 2}, "a": 3}')
    assert [d.code for d in result.diagnostics] == ["BF003", "BF003", "BF003"]
    assert result.document is not None
    assert result.document.value == {"a": 3, "b": {"c": 2}}


def test_duplicate_then_syntax_error_reports_both() -> None:
    _, result = run('{"a": 1, "a": 2,}')
    assert [d.code for d in result.diagnostics] == ["BF003", "BF001"]
    assert result.document is None


# -- limits and speed ---------------------------------------------------------------------------


def test_nesting_at_the_limit_is_fine() -> None:
    _, result = run("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert result.diagnostics == []


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_ten_thousand_levels_is_bf006_at_the_first_too_deep_bracket(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * 10_000 + "1" + closer * 10_000
    started = time.perf_counter()
    _, result = run(text)
    elapsed = time.perf_counter() - started
    diagnostic = only(result)
    assert diagnostic.code == "BF006"
    assert diagnostic.primary is not None
    assert diagnostic.primary.span.start == MAX_DEPTH * len(opener)
    assert text[diagnostic.primary.span.start] == opener[0]
    assert elapsed < 0.5


def big_manifest(target_bytes: int) -> dict[str, Any]:
    """A manifest of about `target_bytes` when dumped with indent=2: a huge settings schema."""
    properties: dict[str, Any] = {}
    http: list[str] = []
    manifest = {
        "name": "acme",
        "displayName": "Äcme \u2028 ☃",
        "permissions": {"http": http},
        "connection": {"settingsSchema": {"type": "object", "properties": properties}},
    }
    index = 0
    while index * 330 < target_bytes:
        properties[f"prop_{index}"] = {
            "type": "string",
            "description": f'Setting {index}: é "q" \u2028',
            "default": f"v{index}",
            "enum": [f"v{index}", "b", index, 1.5, True, None],
            "maxLength": 10**20 + index,
        }
        http.append(f"https://api{index}.example.com/v1/*")
        index += 1
    return manifest


def test_ten_megabyte_manifest_parses_fast() -> None:
    manifest = big_manifest(10_000_000)
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    assert len(text.encode()) > 10_000_000
    started = time.perf_counter()
    _, result = run(text)
    elapsed = time.perf_counter() - started
    print(f"JSON front end: {len(text.encode()) / 1e6:.1f} MB in {elapsed:.2f} s")
    assert result.diagnostics == []
    assert result.document is not None
    assert result.document.value == manifest
    assert elapsed < 6.0  # about 1.8 s on the development machine; slack for a busy CI


# -- properties ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def check_located(source: SourceFile, result: FrontendResult) -> None:
    for diagnostic in result.diagnostics:
        assert diagnostic.primary is not None
        span = diagnostic.primary.span
        assert 0 <= span.start <= span.end <= len(source.text)
        for label in diagnostic.secondary:
            assert 0 <= label.span.start <= label.span.end <= len(source.text)
    if result.document is None:
        assert any(d.code in ("BF001", "BF006", "BF007") for d in result.diagnostics)
    else:
        for span in result.document.value_spans.values():
            assert 0 <= span.start <= span.end <= len(source.text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, indent=st.sampled_from([None, 0, 2, "\t"]), ascii=st.booleans())
def test_dumped_json_round_trips(value: Any, indent: Any, ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    source, result = run(text)
    assert result.diagnostics == []
    assert result.document is not None
    assert result.document.value == value
    check_located(source, result)
    # Each span's text is exactly the JSON of the value (or key) at its path.
    for path, span in result.document.value_spans.items():
        assert json.loads(text[span.start : span.end]) == value_at(value, path)
    for path, span in result.document.key_spans.items():
        assert json.loads(text[span.start : span.end]) == path[-1]


def value_at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@settings(max_examples=300)
@given(text=st.text())
def test_random_text_never_raises(text: str) -> None:
    source, result = run(text)
    check_located(source, result)


@settings(max_examples=300)
@given(value=json_values, data=st.data())
def test_mutated_json_never_raises(value: Any, data: st.DataObject) -> None:
    text = json.dumps(value, indent=1)
    position = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.sampled_from(["", ",", "}", "]", "{", "[", '"', "//", "NaN", "\\", "\n"]))
    cut = data.draw(st.integers(0, 3))
    mutated = text[:position] + insert + text[position + cut :]
    source, result = run(mutated)
    check_located(source, result)
    if result.document is not None and not result.diagnostics:
        assert result.document.value == json.loads(mutated)
