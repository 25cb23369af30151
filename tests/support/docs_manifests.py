"""Generated connectors for the documentation tests: settings schemas with nested objects,
arrays, `oneOf` choices and enums, every string hostile (HTML, Markdown, URLs, line breaks,
bidi controls), built straight as IR so that each example is cheap."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from hypothesis import strategies as st

from backfill_codegen import ir
from backfill_codegen.emit import prose

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "[link](javascript:alert(1))",
    "https://api.example.com/\\*",
    "www.example.com",
    "a@b.example",
    "**bold** _em_ `code` ~~s~~",
    "a|b",
    "line\nbreak\r\nthree",
    "\u202eright-to-left",
    "1. list",
    "# heading",
    "```",
    "<!-- comment",
    "&amp; &#10;",
    "  padded\t",
    "\"quoted\" 'single'",
    "${template} */ </style>",
]
PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
TEXT = st.one_of(st.sampled_from(HOSTILE), PLAIN)
PATTERNS = st.sampled_from(["^[a-z]+$", "^(sk|rk)_[A-Za-z0-9]+$", "^\\d{3}-\\d{4}$"])


def _leaf(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum", "secret"]))
    schema: dict[str, Any]
    if kind == "string":
        schema = {"type": "string", "minLength": draw(st.integers(1, 8)), "maxLength": 64}
        if draw(st.booleans()):
            schema["pattern"] = draw(PATTERNS)
    elif kind in ("integer", "number"):
        schema = {"type": kind, "minimum": 1, "maximum": draw(st.integers(2, 1000))}
    elif kind == "boolean":
        schema = {"type": "boolean", "default": draw(st.booleans())}
    elif kind == "enum":
        values = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            schema = {"type": "string", "enum": values, "default": values[0]}
        else:
            titles = draw(st.lists(TEXT, min_size=len(values), max_size=len(values)))
            pairs = zip(values, titles, strict=True)
            schema = {"oneOf": [{"const": v, "title": t} for v, t in pairs]}
    else:
        schema = {"type": "string", "writeOnly": True, "minLength": 8}
    return schema


@st.composite
def settings_schemas(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """An object schema: 1-4 properties, each a leaf, a nested object, an array or a oneOf."""
    properties: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(TEXT)
        shape = draw(st.sampled_from(["leaf", "leaf", "object", "array", "choice"]))
        if depth >= 2 or shape == "leaf":
            schema = _leaf(draw)
        elif shape == "object":
            schema = draw(settings_schemas(depth + 1))
        elif shape == "array":
            schema = {"type": "array", "items": _leaf(draw), "minItems": 1}
        else:
            options = [draw(settings_schemas(depth + 1)) for _ in range(2)]
            schema = {"oneOf": options}
        if draw(st.booleans()):
            schema["title"] = draw(TEXT)
        if draw(st.booleans()):
            schema["description"] = draw(TEXT)
        properties[name] = schema
    required = [n for n in properties if draw(st.booleans())]
    return {"type": "object", "properties": properties, "required": required}


def strings_of(schema: Any) -> list[str]:
    """Every string a reader must see: property names, titles, descriptions (their backtick
    spans show as code, without the backticks), enum values (as JSON)."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties":
                found += list(value)
            if key == "title" and isinstance(value, str):
                found.append(value)
            if key == "description" and isinstance(value, str):  # `code` shows as code
                found.append(prose.plain(value))
            if key == "enum":  # shown as their JSON
                found += [json.dumps(v, ensure_ascii=False) for v in value]
            if key == "const":
                found.append(json.dumps(value, ensure_ascii=False))
            found += strings_of(value)
    elif isinstance(schema, list):
        for value in schema:
            found += strings_of(value)
    return found


@st.composite
def connectors(draw: st.DrawFn) -> tuple[ir.Connector, list[str]]:
    """A connector and the plain manifest strings its docs must show as text."""
    schema = draw(settings_schemas())
    display, description, version, scope, credential, entry = (draw(TEXT) for _ in range(6))
    oauth = ir.OAuth(
        type="authorization_code",
        authorization_url_template="https://auth.example/authorize",
        token_url_template="https://auth.example/token",
        scopes=(scope,),
        credential_key=credential,
        setting_tokens=(),
        dynamic_host=False,
    )
    connector = ir.Connector(
        name="hostile",
        display_name=display,
        description=description,
        version=version,
        instructions=None,
        webhook=None,
        settings=ir.Settings(json.dumps(schema), properties=()),
        oauth=oauth,
        routes=(),
        permissions=(ir.Permission(entry, "https", "api.example", 443, "/*"),),
    )
    plain = [
        display,
        prose.plain(description),
        version,
        scope,
        credential,
        entry,
        *strings_of(schema),
    ]
    return connector, plain


class Page(HTMLParser):
    """What a rendered page holds: its tags with their attributes, its comments, and its text
    (a space at each tag; a `<script>`'s content is data, not text)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.pieces: list[str] = []
        self.in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.in_script = tag == "script"
        self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False
        self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.in_script:
            self.pieces.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def text(self) -> str:
        """The text, whitespace aside (a code span inside a word gets a space at its tags)."""
        return "".join("".join(self.pieces).split())


@st.composite
def manifests(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A whole manifest (checked and lowered by the real front half), and the plain strings its
    docs must show as text. Secrets here carry a default, which must never be shown."""
    schema = draw(settings_schemas())
    schema["properties"]["token"] = {"type": "string", "writeOnly": True, "default": "s3cr3t-v4lue"}
    display, description, version = (draw(TEXT) for _ in range(3))
    manifest = {
        "name": "hostile",
        "displayName": display,
        "description": description,
        "version": version,
        "permissions": {"http": ["https://api.hostile.example/v1/*"]},
        "connection": {
            "testConnection": {"route": "/setup/test_connection", "method": "POST"},
            "settingsSchema": schema,
        },
    }
    return manifest, [display, prose.plain(description), version, *strings_of(schema)]
