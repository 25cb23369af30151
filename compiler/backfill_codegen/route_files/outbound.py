"""An `Http` call's URL as far as it is known statically, and the allowlist's verdict on it.

The URL argument is valued with the manifest's static evaluator (literals, templates, `+`,
top-level `const`s). Where part of it is not static, the text before that part is a *prefix*:
`https://api.x.com/v1/${id}` is known up to `https://api.x.com/v1/`. A prefix is judged only when
it reaches past the host (a `/`, `?` or `#` after it); a dynamic host is not guessed at.

A prefix is allowed when one entry allows every URL that starts with it: the unknown rest is
treated as `*` and the entry's pattern must include the prefix's path followed by `*`
(`urls.pattern_includes`): `"https://api.x.example/v2/" + path` with the entry
`https://api.x.example/v2/*`. It is blocked when no entry allows any URL that starts with it,
and undecided when an entry allows only some (`".../v2" + path`: only a rest that starts with
`/`); the message says which entry and what the rest must do. That is the allowlist's own
semantics (domain/urls.py) applied to a set of URLs rather than one. A URL the matcher refuses
outright (a host that is not ASCII or not spelt as an entry's, `%2E`/`%2F`/`%5C` in the path,
...) is blocked whatever the entries say; the rest of a prefix may still hold such a piece, or a
`..` segment, which the matcher judges at run time after removing dot segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tree_sitter import Node

from backfill_codegen.domain import urls
from backfill_codegen.frontends import ts_literals
from backfill_codegen.frontends.ts_static import StaticModule
from backfill_codegen.limits import MAX_DEPTH

_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)


@dataclass(frozen=True)
class StaticUrl:
    text: str  # the whole URL when complete, else the known prefix ("" when nothing is known)
    complete: bool


_UNKNOWN = StaticUrl("", False)


def static_url(module: StaticModule, node: Node, depth: int = 0) -> StaticUrl:
    """What the expression `node` is known to evaluate to, as text."""
    if depth > MAX_DEPTH:
        return _UNKNOWN
    kind = node.type
    if kind in _WRAPPERS and node.named_children:
        return static_url(module, node.named_children[0], depth + 1)
    if kind == "template_string":
        return _template(module, node, depth)
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is not None and operator.type == "+" and left is not None and right is not None:
            head = static_url(module, left, depth + 1)
            if not head.complete:
                return head
            if not _is_text(module, left):
                return _whole(module, node)  # numbers added first: only a full value will do
            tail = static_url(module, right, depth + 1)
            return StaticUrl(head.text + tail.text, tail.complete)
    return _whole(module, node)


def _whole(module: StaticModule, node: Node) -> StaticUrl:
    document, problems = module.evaluate(node)
    if document is None or problems:
        return _UNKNOWN
    value = document.value
    if isinstance(value, str):
        return StaticUrl(value, True)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return StaticUrl(ts_literals.number_to_string(value), True)
    return _UNKNOWN


def _is_text(module: StaticModule, node: Node) -> bool:
    document, problems = module.evaluate(node)
    return document is not None and not problems and isinstance(document.value, str)


def _template(module: StaticModule, node: Node, depth: int) -> StaticUrl:
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(ts_literals.normalize_template_newlines(module.text(child)))
        elif child.type == "escape_sequence":
            try:
                parts.append(ts_literals.decode_escape(module.text(child)))
            except ts_literals.LiteralError:
                return StaticUrl("".join(parts), False)
        elif child.type == "template_substitution":
            inner = [c for c in child.named_children if c.type != "comment"]
            value = static_url(module, inner[0], depth + 1) if inner else _UNKNOWN
            parts.append(value.text)
            if not value.complete:
                return StaticUrl("".join(parts), False)
    return StaticUrl("".join(parts), True)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    shown: str  # the URL as the message shows it ("https://h/v1/…" for a prefix)
    suggestion: str | None  # an entry that would allow it
    #: A prefix that some entry allows SOME continuations of, not all: the call may or may not
    #: be blocked, depending on the part not known statically. (entry, what the rest must do)
    undecided: tuple[str, str] | None = None


def judge(url: StaticUrl, entries: Sequence[urls.AllowEntry]) -> Verdict | None:
    """Whether the allowlist allows the call; None when too little of the URL is known."""
    if url.complete:
        return _judge_complete(url.text, entries)
    head = url.text
    scheme, sep, rest = head.partition("://")
    if not sep or not scheme or not all(c.isalnum() or c in "+-." for c in scheme):
        return None  # not even the scheme is known
    if scheme.lower() != "https":
        return Verdict(False, head + "…", None)  # every continuation has the wrong scheme
    if not any(mark in rest for mark in "/?#\\"):
        return None  # the host may go on: not guessed at
    in_path = not any(mark in rest for mark in "?#")
    request = urls.parse_request(head + "*")
    shown = head + "…"
    if request is None:
        return Verdict(False, shown, None)
    for entry in entries:
        if (entry.host, entry.port) != (request.host, request.port):
            continue
        if in_path and urls.pattern_includes(entry.path_pattern, request.path):
            return Verdict(True, shown, None)
        if not in_path and urls.glob_match(entry.path_pattern, request.path):
            return Verdict(True, shown, None)
    if in_path:
        known = request.path[:-1]  # without the `*` standing for the unknown rest
        for entry in entries:
            if (entry.host, entry.port) != (request.host, request.port):
                continue
            condition = _condition(entry.path_pattern, known)
            if condition is not None:
                suggestion = _suggest(request, entries)
                return Verdict(False, shown, suggestion, undecided=(entry.original, condition))
    return Verdict(False, shown, _suggest(request, entries))


def _condition(pattern: str, known: str) -> str | None:
    """What the unknown rest of a path that starts with `known` must do for `pattern` (a
    `*`-glob) to match it, when some rest does; None when no rest does."""
    first, star, _ = pattern.partition("*")
    if first.startswith(known) and len(first) > len(known):
        return f"starts with `{first[len(known) :]}`"
    if (star and known.startswith(first)) or (not star and first == known):
        return f"makes the URL match `{pattern}`"
    return None


def _judge_complete(text: str, entries: Sequence[urls.AllowEntry]) -> Verdict:
    request = urls.parse_request(text)
    if request is None:
        return Verdict(False, text, None)
    if urls.is_allowed(entries, text):
        return Verdict(True, text, None)
    return Verdict(False, text, _suggest(request, entries))


def _suggest(request: urls.Request, entries: Sequence[urls.AllowEntry]) -> str:
    """`https://host/*` for a host not listed at all; else just this path (or prefix)."""
    port = "" if request.port == urls.DEFAULT_PORT else f":{request.port}"
    listed = any((e.host, e.port) == (request.host, request.port) for e in entries)
    return f"https://{request.host}{port}{request.path if listed else '/*'}"
