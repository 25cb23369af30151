"""`CONNECTOR.md`: the connector for its two readers. The admin first (what it does, the setup
steps, the webhook URL, every setting, the OAuth consent), the developer after (routes, the
allowlist, the OAuth credential key, the generated files).

Decisions:
- Every manifest string outside the setup instructions is plain text: it goes through `text`
  (md_cell, line breaks and edge whitespace as numeric character references, and the three
  characters that start a GitHub autolink, `:` of `://`, `.` of `www.` and `@`, as references
  too), so it renders as exactly what the author wrote, cannot break a list or table, start a
  block, inject markup or HTML, or become a link GitHub would mangle (`https://x/\\*` once
  linked to `…/%5C`). Values (defaults, enum values, URLs, patterns) are code spans.
- The setup instructions are Markdown by the spec: parsed with markdown-it-py and written
  back from the syntax tree (emit/markdown_safe.py) inside a blockquote, headings moved under
  the page's own.
- Settings are a nested list from the documentation model (emit/settings_doc.py): objects,
  arrays, `oneOf` choices and enums with their titles, defaults, constraints in words. A
  secret says so and never shows a value (lowering removed them).
- The webhook URL template is a fenced block whose fence is longer than any backtick run.
"""

from __future__ import annotations

import re

from backfill_codegen import ir
from backfill_codegen.emit import doc_words as words
from backfill_codegen.emit import markdown_safe, prose, scope_words, settings_doc
from backfill_codegen.emit.escape import md_cell, md_code
from backfill_codegen.emit.header import NOTICE

OUTPUT = "CONNECTOR.md"
NONE = "—"

_BREAKS = re.compile(r"(\r\n|[\r\n\t\u2028\u2029])")
_EDGE_SPACE = re.compile(r"[\s\ufeff]+")
_EDGE_SPACE_END = re.compile(r"[\s\ufeff]+\Z")
#: What starts a GFM extended autolink: `scheme://`, `www.`, an email's `@`.
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?<=www)\.|@", re.IGNORECASE)

#: What each file `generate` writes is for (record.OUTPUT_NAMES, in this order).
GENERATED_FILES = (
    ("settings.py", "pydantic v2 models of the settings"),
    ("settings.ts", "TypeScript types of the settings, and the schema as a const"),
    ("routes.ts", "the route table, and each route's request and response types"),
    ("permissions.json", "the normalized allowlist"),
    ("permissions.py", "the allowlist as data, and `is_allowed(url)`"),
    ("permissions.ts", "the allowlist as data, and `isAllowed(url)`"),
    ("openapi.json", "OpenAPI 3.1: the endpoints, the settings, the OAuth scheme"),
    ("CONNECTOR.md", "this page"),
)
_ROLE_WORDS = {
    ir.ROLE_TEST_CONNECTION: "the dashboard's Test connection button",
    ir.ROLE_POST_CONNECT: "after the OAuth consent",
    ir.ROLE_WEBHOOK: "the provider's webhook deliveries",
}


def _reference(value: str) -> str:
    return "".join(f"&#{ord(char)};" for char in value)


def _escaped(value: str) -> str:
    """md_cell's escapes, line breaks and tabs as references, no GitHub autolink."""
    pieces = _BREAKS.split(value)
    return "".join(
        _reference(piece)
        if index % 2
        else _AUTOLINK.sub(lambda m: _reference(m.group()), md_cell(piece))
        for index, piece in enumerate(pieces)
    )


def _edges(escaped: str) -> str:
    """Leading and trailing whitespace as references: cells and headings are trimmed."""
    head = _EDGE_SPACE.match(escaped)
    start = head.end() if head else 0
    tail = _EDGE_SPACE_END.search(escaped, start)
    end = tail.start() if tail else len(escaped)
    return _reference(escaped[:start]) + escaped[start:end] + _reference(escaped[end:])


def cell(value: str) -> str:
    """Markdown inline text (a table cell, a heading, a list item) that renders as exactly
    `value`: md_cell's escapes, line breaks and tabs as character references (a row is one
    line), leading/trailing whitespace as references too (cells and headings are trimmed), and
    no GitHub autolink."""
    return _edges(_escaped(value))


def description(value: str) -> str:
    """A description: text as `cell`, its backtick spans as code (emit/prose.py)."""
    return _edges(
        "".join(
            code(piece) if is_code else _escaped(piece) for is_code, piece in prose.pieces(value)
        )
    )


def text(value: str) -> str:
    return cell(value)


def code(value: str) -> str:
    """A code span holding `value` (line breaks shown as spaces: code spans are one line)."""
    return md_code(value.replace("\t", " "))


def fenced(value: str, info: str = "text") -> str:
    """A fenced code block holding `value` verbatim: its fence outruns any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{value}\n{fence}"


def quote_markdown(value: str) -> str:
    """Author-written Markdown inside a blockquote, re-rendered safe, its headings below ours."""
    lines = markdown_safe.render(value, heading_offset=3).split("\n")
    return "\n".join(">" + (" " + line if line else "") for line in lines)


# --- The admin's part. --------------------------------------------------------------------------


def _setup(connector: ir.Connector) -> list[str]:
    out = ["### Setup", ""]
    if connector.instructions is None:
        out += [words.NO_INSTRUCTIONS, ""]
    else:
        out += [words.INSTRUCTIONS, ""]
        out += [quote_markdown(connector.instructions), ""]
    return out


def _webhook(hook: ir.Webhook | None) -> list[str]:
    out = ["### Webhook URL", ""]
    if hook is None:
        return [*out, words.NO_WEBHOOK, ""]
    out += [words.WEBHOOK, "", fenced(hook.template), ""]
    for token in hook.tokens:
        meaning = words.TOKENS.get(token, words.UNKNOWN_TOKEN)
        out.append(f"- {code('<' + token + '>')}: {meaning}.")
    return [*out, ""]


def _field_line(field: settings_doc.Field) -> str:
    """`**Title** (`name`): string; required; secret; 8 to 64 characters; default `"x"`."""
    head = f"**{text(field.title)}**" if field.title is not None else ""
    if field.name:
        head = f"{head} ({code(field.name)})" if head else code(field.name)
    facts = [_kind_words(field)]
    if field.name:  # an array's item or a choice's option is neither required nor optional
        facts.append("required" if field.required else "optional")
    if field.secret:
        facts.append("secret: write-only, never shown again")
    facts += [
        words + (" " + code(quoted) if quoted is not None else "")
        for words, quoted in field.constraints
    ]
    if field.default_json is not None:
        facts.append("default " + code(field.default_json))
    line = "; ".join(facts)
    return f"{head}: {line}." if head else f"{line[:1].upper()}{line[1:]}."


def _kind_words(field: settings_doc.Field) -> str:
    if field.kind == "enum":
        return "one of " + ", ".join(_option(option) for option in field.options)
    if field.kind == "const":
        return "always " + code(field.const_json or "")
    if field.kind == "choice":
        return "one of the choices below"
    if field.kind == "array":
        return "a list"
    if field.kind == "json":
        return "any JSON value" if field.type_label in ("any", "…") else text(field.type_label)
    return {"object": "a group of fields", "integer": "a whole number"}.get(field.kind, field.kind)


def _option(option: settings_doc.Option) -> str:
    if option.title is None:
        return code(option.value_json)
    return f"{text(option.title)} ({code(option.value_json)})"


def _field_items(field: settings_doc.Field, depth: int) -> list[str]:
    pad = "  " * depth
    out = [f"{pad}- {_field_line(field)}"]
    if field.description is not None:
        out += [f"{pad}  {description(field.description)}"]
    if field.kind == "object":
        for child in field.children:
            out += _field_items(child, depth + 1)
    elif field.kind == "array":
        (item,) = field.children
        out += [f"{pad}  - Each item:", *_field_items(item, depth + 2)]
    elif field.kind == "choice":
        for number, option in enumerate(field.children, 1):
            out += [f"{pad}  - Choice {number}: " + _field_line(option)]
            if option.description is not None:
                out += [f"{pad}    {description(option.description)}"]
            for child in option.children if option.kind == "object" else ():
                out += _field_items(child, depth + 2)
    return out


def _settings(settings: ir.Settings | None) -> list[str]:
    out = ["### Settings", ""]
    if settings is None:
        return [*out, words.NO_SETTINGS, ""]
    root = settings_doc.tree(settings.schema)
    if not root.children:
        return [*out, "The settings form has no fields.", ""]
    out += [f"The settings form, in its order. {words.SECRETS}", ""]
    for child in root.children:
        out += _field_items(child, 0)
    return [*out, ""]


def _consent(oauth: ir.OAuth | None) -> list[str]:
    out = ["### OAuth consent", ""]
    if oauth is None:
        return [*out, words.NO_OAUTH, ""]
    out += [words.CONSENT, ""]
    for scope in oauth.scopes:
        meaning = scope_words.words(scope)
        out.append(f"- {code(scope)}" + (f": {meaning}" if meaning else ""))
    out.append("")
    if oauth.setting_tokens:
        names = ", ".join(code(token) for token in oauth.setting_tokens)
        out += [f"The provider's sign-in address is built from these settings: {names}.", ""]
    return out


# --- The developer's part. ----------------------------------------------------------------------


def _routes(routes: tuple[ir.Route, ...]) -> list[str]:
    out = ["### Routes", ""]
    if not routes:
        return [*out, words.NO_ROUTES, ""]
    out += ["| Method | Platform path | File | Called by |", "| --- | --- | --- | --- |"]
    for route in routes:
        callers = ", ".join(_ROLE_WORDS.get(role, role) for role in route.roles) or NONE
        out.append(
            f"| {cell(route.method)} | {code(route.readable_path)} | {code(route.file)} | "
            f"{callers} |"
        )
    return [*out, ""]


def _allowlist(permissions: tuple[ir.Permission, ...]) -> list[str]:
    out = ["### Allowlist", ""]
    if not permissions:
        return [*out, words.NO_PERMISSIONS, ""]
    out += [words.ALLOWLIST.format(star="`*`"), ""]
    for entry in permissions:
        normalized = f"{entry.scheme}://{entry.host}:{entry.port}{entry.path_pattern}"
        out.append(f"- {code(entry.original)} (normalized: {code(normalized)})")
    return [*out, ""]


def _credential(oauth: ir.OAuth | None) -> list[str]:
    if oauth is None:
        return []
    return [
        "### OAuth client",
        "",
        f"- Grant: {code(oauth.type)}",
        f"- Authorization URL: {code(oauth.authorization_url_template)}",
        f"- Token URL: {code(oauth.token_url_template)}",
        f"- Client credential key: {code(oauth.credential_key)}",
        "",
    ]


def _files() -> list[str]:
    out = ["### Generated files", ""]
    out += [f"- `{name}`: {about}" for name, about in GENERATED_FILES]
    return [*out, ""]


def emit(connector: ir.Connector) -> dict[str, str]:
    lines = [f"<!-- {NOTICE} -->", "", f"# {text(connector.display_name)}", ""]
    if connector.description is not None:
        lines += [description(connector.description), ""]
    version = f", version {code(connector.version)}" if connector.version is not None else ""
    lines += [f"Connector {code(connector.name)}{version}.", ""]
    lines += ["## For the admin", ""]
    lines += _setup(connector) + _webhook(connector.webhook)
    lines += _settings(connector.settings) + _consent(connector.oauth)
    lines += ["## For the developer", ""]
    lines += _routes(connector.routes) + _allowlist(connector.permissions)
    lines += _credential(connector.oauth) + _files()
    return {OUTPUT: "\n".join(lines).rstrip("\n") + "\n"}
