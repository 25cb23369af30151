"""Hover text and completions at a place in a manifest (pure: text and offset in, text out)."""

from __future__ import annotations

import re
from pathlib import Path

from backfill_codegen.diagnostics.explain import explain_rule
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.registry import rule
from backfill_codegen.domain.routes import METHODS
from backfill_codegen.domain.webhook import TOKENS
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.lsp import lookup, schema_docs
from backfill_codegen.route_files.discovery import route_of
from backfill_codegen.workspace import API_DIR

_PLATFORM_TOKENS = {
    "tenant_id": "the id of the tenant (the customer's workspace) the connector is installed in",
    "connection_id": "the id of this installation's connection, one per connector per tenant",
}


def token_text(token: str, document: LocatedDocument | None) -> str:
    name = token[1:-1]
    if name in _PLATFORM_TOKENS:
        return f"`{token}` expands to {_PLATFORM_TOKENS[name]}; the platform fills it in."
    setting = lookup.settings(document).get(name)
    if setting is None:
        known = ", ".join(f"`<{t}>`" for t in (*TOKENS, *lookup.settings(document)))
        return f"`{token}` names nothing this manifest declares (known: {known})."
    about = setting.get("title") or setting.get("description") or ""
    return f"`{token}` expands to the value of the setting `{name}`" + (
        f": {about}" if about else ""
    )


def hover(
    text: str, offset: int, document: LocatedDocument | None, diagnostics: list[Diagnostic]
) -> str | None:
    """What is under the cursor: a `<token>`'s expansion, the rule of a diagnostic there, the
    schema's description of a key. Markdown; None when there is nothing to say."""
    parts = []
    token = lookup.token_at(text, offset)
    if token is not None:
        parts.append(token_text(token, document))
    for diagnostic in diagnostics:
        span = diagnostic.primary.span if diagnostic.primary else None
        if span is not None and span.start <= offset <= span.end:
            parts.append("```text\n" + explain_rule(rule(diagnostic.code)) + "```")
    key = None if document is None else lookup.key_at(document, offset)
    if key is not None:
        about = schema_docs.describe(key)
        if about:
            parts.append(f"**{key[-1]}**: {about}")
    return "\n\n---\n\n".join(parts) or None


#: What the text before the cursor on its line asks for.
_TOKEN_START = re.compile(r"<([A-Za-z_]*)$")
_VALUE_OF = re.compile(r"""\b(method|route|credentialKey)["']?\s*:\s*["'`]?([\w/-]*)$""")


def declared_routes(connector_dir: Path) -> list[str]:
    """The routes of the route files under `src/api/` (what `route` may name)."""
    api = connector_dir.joinpath(*API_DIR)
    if not api.is_dir():
        return []
    found = set()
    for path in api.rglob("*.ts"):
        route = route_of(path.relative_to(connector_dir).as_posix())
        if route is not None:
            found.add(route)
    return sorted(found)


def completions(
    text: str, offset: int, document: LocatedDocument | None, connector_dir: Path
) -> list[tuple[str, str, str]]:
    """(label, text to insert, detail) for the cursor's place."""
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    settings = lookup.settings(document)
    if _TOKEN_START.search(line):
        names = {**{t: _PLATFORM_TOKENS[t] for t in TOKENS}, **{s: "a setting" for s in settings}}
        return [(f"<{name}>", f"{name}>", detail) for name, detail in names.items()]
    value = _VALUE_OF.search(line)
    if value is not None:
        if value[1] == "method":
            return [(m, m, "HTTP method") for m in METHODS]
        if value[1] == "route":
            return [(r, r, "route file") for r in declared_routes(connector_dir)]
        return [(s, s, "setting") for s in settings]
    if document is None:
        return []
    where = lookup.object_at(document, offset)
    present = lookup.value_at(document.value, where)
    present = present if isinstance(present, dict) else {}
    return [
        (key, key, about) for key, about in schema_docs.keys(where).items() if key not in present
    ]
