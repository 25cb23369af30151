"""One maker per fixable rule: the diagnostic `check` reported -> edits of the manifest's text.

A maker reads what the rule already worked out (its help line names the replacement) and the
span the front end located; it returns no edit unless the written text is exactly what the
diagnostic is about and the replacement can be written there without new quoting or escapes.
Every fix edits the manifest, also for a diagnostic in a route file (BF705).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.fixes.edits import SAFE, Edit
from backfill_codegen.rules.manifest import UNKNOWN_KEY
from backfill_codegen.rules.permissions import PERMISSION_NOT_HTTPS
from backfill_codegen.rules.route_files import BLOCKED_HTTP_CALL, MISSING_ROUTE_FILE
from backfill_codegen.rules.routes import INVALID_METHOD
from backfill_codegen.rules.settings import UNKNOWN_DIALECT
from backfill_codegen.rules.setup import UNKNOWN_WEBHOOK_TOKEN, WEBHOOK_WRONG_PREFIX

if TYPE_CHECKING:
    from backfill_codegen.pipeline import ManifestResult

Maker = Callable[[Diagnostic, "ManifestResult"], list[Edit]]

_QUOTES = "\"'`"
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_BACKTICKED = re.compile(r"`([^`]+)`")
_TOKEN = re.compile(r"[<{]{1,2}\s*([A-Za-z][A-Za-z0-9_]*)\s*[>}]{1,2}")


def _first_backticked(text: str | None, lead: str = "") -> str | None:
    if not text or not text.startswith(lead):
        return None
    found = _BACKTICKED.search(text, len(lead))
    return found.group(1) if found else None


def _inner(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The span without its quotes, and the quote ("" when the text is not quoted)."""
    written = text[start:end]
    if len(written) >= 2 and written[0] in _QUOTES and written[-1] == written[0]:
        return start + 1, end - 1, written[0]
    return start, end, ""


def _replace(
    diagnostic: Diagnostic,
    new: str | None,
    accept: Callable[[str], bool],
    *,
    bare_key: bool = False,
) -> list[Edit]:
    """Replace the primary span's text (inside its quotes) with `new`, when `accept`s it."""
    label = diagnostic.primary
    if new is None or label is None or not SAFE.fullmatch(new):
        return []
    text = label.source.text
    start, end, quote = _inner(text, label.span.start, label.span.end)
    written = text[start:end]
    if not accept(written) or written == new:
        return []
    if bare_key and not quote and not _IDENTIFIER.fullmatch(new):
        return []  # an unquoted TypeScript key must stay an identifier
    if quote == "`" and "${" in new:
        return []
    return [Edit(start, end, new)]


def unknown_key(diagnostic: Diagnostic, _: ManifestResult) -> list[Edit]:
    old = _first_backticked(diagnostic.message, "unknown key ")
    new = _first_backticked(diagnostic.help, "did you mean ")
    return _replace(diagnostic, new, lambda written: written == old, bare_key=True)


def method_case(diagnostic: Diagnostic, _: ManifestResult) -> list[Edit]:
    new = _first_backticked(diagnostic.help, "write ")
    return _replace(diagnostic, new, lambda written: written.upper() == new)


def near_miss(diagnostic: Diagnostic, _: ManifestResult) -> list[Edit]:
    """The help's one suggestion for the written text (a token, a dialect URI, a route)."""
    new = _first_backticked(diagnostic.help, "did you mean ")
    named = _BACKTICKED.findall(diagnostic.message)  # what the message quotes as wrong
    return _replace(diagnostic, new, lambda written: written in named)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def tenant_token(diagnostic: Diagnostic, _: ManifestResult) -> list[Edit]:
    """`{tenant_id}`, `<tenantId>`, `{{tenantId}}` where the prefix wants `<tenant_id>`."""

    def accept(written: str) -> bool:
        found = _TOKEN.fullmatch(written)
        return found is not None and _snake(found.group(1)) == "tenant_id"

    return _replace(diagnostic, "<tenant_id>", accept)


def https(diagnostic: Diagnostic, _: ManifestResult) -> list[Edit]:
    """`http` (the scheme) -> `https`; an entry with no scheme -> `https://` before it."""
    suggested = _first_backticked(diagnostic.help, "write ")
    if suggested is None or not suggested.startswith("https://"):
        return []
    label = diagnostic.primary
    if label is not None:
        start, end, _quote = _inner(label.source.text, label.span.start, label.span.end)
        if label.source.text[start:end].lower() == "http":
            return _replace(diagnostic, "https", lambda written: True)
    return _replace(diagnostic, suggested, lambda written: "https://" + written == suggested)


def route_near_miss(diagnostic: Diagnostic, result: ManifestResult) -> list[Edit]:
    new = _first_backticked(diagnostic.help, "did you mean ")
    if new is None or not new.startswith("/"):
        return []
    return _replace(diagnostic, new, lambda written: written.startswith("/"))


def allow_call(diagnostic: Diagnostic, result: ManifestResult) -> list[Edit]:
    """A blocked call's static prefix, appended to `permissions.http` as the entries before it
    are written (quotes, one per line or inline, YAML block or flow)."""
    url = _first_backticked(diagnostic.help, "add ")
    if url is None or not diagnostic.help or "`permissions.http`" not in diagnostic.help:
        return []
    from backfill_codegen.fixes.append import append_entry  # the one maker that needs it

    return append_entry(result, ("permissions", "http"), url)


#: Rule code -> maker. tests/fix/ keeps these the codes whose Rule has `fix` text.
MAKERS: dict[str, Maker] = {
    UNKNOWN_KEY.code: unknown_key,
    INVALID_METHOD.code: method_case,
    UNKNOWN_WEBHOOK_TOKEN.code: near_miss,
    WEBHOOK_WRONG_PREFIX.code: tenant_token,
    UNKNOWN_DIALECT.code: near_miss,
    PERMISSION_NOT_HTTPS.code: https,
    MISSING_ROUTE_FILE.code: route_near_miss,
    BLOCKED_HTTP_CALL.code: allow_call,
}
