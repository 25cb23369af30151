"""`CONNECTOR.md`: the connector for people: setup, webhook URL, settings, OAuth, endpoints and
permissions.

Decisions:
- Every manifest string outside the setup instructions is plain text: it goes through `cell`
  (md_cell, plus line breaks and edge whitespace as numeric character references), so it
  renders as exactly what the author wrote and cannot break a table, start a block or inject
  markup or HTML.
- The setup instructions are Markdown by the spec ("Markdown is supported in the dashboard
  renderer"): they are parsed with markdown-it-py and written back from the syntax tree
  (backfill_codegen/emit/markdown_safe.py), inside a blockquote. Every piece of text is escaped, so
  raw HTML in them shows as text; code stays code; a link or image is kept only with an http,
  https, mailto or relative destination. The layout (headings, lists, quotes, tables, code,
  emphasis) is the author's.
- The webhook URL template is a fenced block whose fence is longer than any backtick run in it.
- Secrets' defaults are never echoed: the table says "(secret)".
"""

from __future__ import annotations

import re

from backfill_codegen import ir
from backfill_codegen.emit import markdown_safe
from backfill_codegen.emit.escape import md_cell
from backfill_codegen.emit.templating import render

OUTPUT = "CONNECTOR.md"
NONE = "—"

_BREAKS = re.compile(r"(\r\n|[\r\n\u2028\u2029])")
_EDGE_SPACE = re.compile(r"[\s\ufeff]+")
_EDGE_SPACE_END = re.compile(r"[\s\ufeff]+\Z")

_TOKENS = {
    "tenant_id": "The installing workspace's tenant ID.",
    "connection_id": "The connection's ID, created when the admin saves the connection.",
}


def _reference(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def cell(value: str) -> str:
    """Markdown inline text (a table cell, a heading, a paragraph) that renders as exactly
    `value`: md_cell's escapes, line breaks as character references (a row is one line), and
    leading/trailing whitespace as references too (cells and headings are trimmed)."""
    text = "".join(
        _reference(piece) if index % 2 else md_cell(piece)
        for index, piece in enumerate(_BREAKS.split(value))
    )
    # md_cell leaves whitespace alone, so the edges are the author's own characters.
    head = _EDGE_SPACE.match(text)
    start = head.end() if head else 0
    tail = _EDGE_SPACE_END.search(text, start)
    end = tail.start() if tail else len(text)
    return _reference(text[:start]) + text[start:end] + _reference(text[end:])


def fenced(text: str, info: str = "text") -> str:
    """A fenced code block holding `text` verbatim: its fence outruns any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def quote_markdown(text: str) -> str:
    """Author-written Markdown inside a blockquote, re-rendered safe (markdown_safe.render: no
    raw HTML, no link but http, https, mailto or relative)."""
    lines = markdown_safe.render(text).split("\n")
    return "\n".join(">" + (" " + line if line else "") for line in lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _settings_rows(settings: ir.Settings | None) -> list[list[str]]:
    if settings is None:
        return []
    rows = []
    for prop in settings.properties:
        if prop.default_json is None:
            default = NONE
        elif prop.secret:
            default = "(secret)"
        else:
            default = cell(prop.default_json)
        rows.append(
            [
                cell(prop.name),
                cell(prop.title) if prop.title is not None else NONE,
                cell(prop.type_label),
                _yes(prop.required),
                _yes(prop.secret),
                default,
                cell(prop.description) if prop.description is not None else NONE,
            ]
        )
    return rows


def _oauth_rows(oauth: ir.OAuth) -> list[list[str]]:
    tokens = ", ".join(cell(f"<{t}>") for t in oauth.setting_tokens) or NONE
    return [
        ["Type", cell(oauth.type)],
        ["Authorization URL", cell(oauth.authorization_url_template)],
        ["Token URL", cell(oauth.token_url_template)],
        ["Client credential key", cell(oauth.credential_key)],
        ["Settings in the URLs", tokens],
        ["Dynamic host", _yes(oauth.dynamic_host)],
    ]


def _endpoint_rows(routes: tuple[ir.Route, ...]) -> list[list[str]]:
    return [
        [
            cell(route.method),
            cell(route.platform_path),
            cell(route.route),
            cell(", ".join(route.roles)) if route.roles else NONE,
            cell(route.operation_id),
            cell(route.file),
        ]
        for route in routes
    ]


def _permission_rows(permissions: tuple[ir.Permission, ...]) -> list[list[str]]:
    return [
        [
            cell(entry.original),
            cell(entry.scheme),
            cell(entry.host),
            str(entry.port),
            cell(entry.path_pattern),
        ]
        for entry in permissions
    ]


def emit(connector: ir.Connector) -> dict[str, str]:
    hook = connector.webhook
    oauth = connector.oauth
    text = render(
        "markdown/CONNECTOR.md.j2",
        title=cell(connector.display_name),
        name=cell(connector.name),
        version=cell(connector.version) if connector.version is not None else None,
        description=cell(connector.description) if connector.description is not None else None,
        instructions=(
            quote_markdown(connector.instructions) if connector.instructions is not None else None
        ),
        webhook=fenced(hook.template) if hook else None,
        webhook_tokens=[[cell(f"<{t}>"), cell(_TOKENS.get(t, ""))] for t in hook.tokens]
        if hook
        else [],
        settings=_settings_rows(connector.settings),
        has_settings=connector.settings is not None,
        oauth=_oauth_rows(oauth) if oauth else None,
        scopes=[[cell(scope)] for scope in oauth.scopes] if oauth else [],
        endpoints=_endpoint_rows(connector.routes),
        permissions=_permission_rows(connector.permissions),
    )
    return {OUTPUT: text}
