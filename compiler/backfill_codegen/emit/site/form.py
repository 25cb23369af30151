"""The settings form preview: HTML for every field of the documentation model
(emit/settings_doc.py), one labelled control per leaf, the way the dashboard lays it out.

The markup is the contract with site.js: a `.field` per field with `data-kind` and
`data-key`; a leaf holds one `.control`; an object or an array holds its fields (an array's
rows in `.children`, its item as a `<template>`); a choice holds a `.choose` select and one
`.option` per choice, all but the chosen one hidden. Each field has a `.error` the script
fills with the validator's message. Ids are numbered in document order (deterministic); an
array item's ids carry `__ROW<depth>__`, which the script replaces with a fresh row number.
"""

from __future__ import annotations

import json
from dataclasses import replace
from html import escape

from backfill_codegen.emit.prose import pieces
from backfill_codegen.emit.settings_doc import Field

_INPUT_TYPES = {"string": "text", "integer": "number", "number": "number"}


def esc(value: str) -> str:
    return escape(value, quote=True)


def prose_html(value: str) -> str:
    """A description: escaped text, its backtick spans as `<code>` (emit/prose.py)."""
    return "".join(
        f"<code>{esc(piece)}</code>" if is_code else esc(piece) for is_code, piece in pieces(value)
    )


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def next(self, row: str) -> str:
        self.count += 1
        return f"s{self.count}{row}"


def render(root: Field) -> str:
    """The form's fields (the root object's), ready to sit inside `<form class="settings">`."""
    ids = _Ids()
    children = "".join(_field(child, ids, "", 0) for child in root.children)
    return (
        f'<div class="field" data-kind="object" data-key="">'
        f'<div class="children">{children}</div><p class="error" aria-live="polite"></p></div>'
    )


def _hint(field: Field) -> str:
    parts = []
    if field.description is not None:
        parts.append(prose_html(field.description))
    words = [w + (f" <code>{esc(q)}</code>" if q is not None else "") for w, q in field.constraints]
    if words:
        joined = "; ".join(words)
        parts.append(joined[:1].upper() + joined[1:] + ".")
    return " ".join(f"<span>{part}</span>" for part in parts)


def _label_text(field: Field, fallback: str) -> str:
    text = esc(field.title or field.name or fallback)
    if field.title and field.name:  # the key too: what the developer's code reads
        text += f' <code class="key">{esc(field.name)}</code>'
    if field.required and field.name:
        text += ' <span class="muted">(required)</span>'
    if field.secret:
        text += '<span class="secret">secret</span>'
    return text


def _field(field: Field, ids: _Ids, row: str, depth: int) -> str:
    ident = ids.next(row)
    attrs = f'class="field" data-kind="{field.kind}" data-key="{esc(field.name)}"'
    hint = _hint(field)
    hint_html = f'<p class="hint" id="{ident}-hint">{hint}</p>' if hint else ""
    error = f'<p class="error" id="{ident}-error" aria-live="polite"></p>'
    described = f"{ident}-hint {ident}-error" if hint else f"{ident}-error"
    if field.kind == "object":
        inner = "".join(_field(child, ids, row, depth) for child in field.children)
        legend = _label_text(field, "Settings")
        return (
            f"<fieldset {attrs}><legend>{legend}</legend>{hint_html}"
            f'<div class="children">{inner}</div>{error}</fieldset>'
        )
    if field.kind == "array":
        (item,) = field.children
        marker = f"__ROW{depth}__"
        template = (
            f'<div class="row">{_field(item, ids, row + marker, depth + 1)}'
            f'<button type="button" class="remove">Remove</button></div>'
        )
        legend = _label_text(field, "List")
        # The default's items as rows already there (ids numbered like any other field).
        defaults = json.loads(field.default_json) if field.default_json is not None else None
        rows = "".join(
            f'<div class="row">'
            f"{_field(replace(item, default_json=json.dumps(value)), ids, row, depth + 1)}"
            f'<button type="button" class="remove">Remove</button></div>'
            for value in (defaults if isinstance(defaults, list) else [])
        )
        return (
            f'<fieldset {attrs} data-depth="{depth}"><legend>{legend}</legend>{hint_html}'
            f'<div class="children">{rows}</div><template>{template}</template>'
            f'<button type="button" class="add">Add {esc(item.title or "an item")}</button>'
            f"{error}</fieldset>"
        )
    if field.kind == "choice":
        options = "".join(
            f'<option value="{i}"{" selected" if i == 0 else ""}>'
            f"{esc(option.title or f'Choice {i + 1}')}</option>"
            for i, option in enumerate(field.children)
        )
        panes = "".join(
            f'<div class="option" data-option="{i}"{" hidden" if i else ""}>'
            f"{_field(option, ids, row, depth)}</div>"
            for i, option in enumerate(field.children)
        )
        legend = _label_text(field, "Choice")
        return (
            f"<fieldset {attrs}><legend>{legend}</legend>{hint_html}"
            f'<label for="{ident}-choose">Which one</label>'
            f'<select id="{ident}-choose" class="choose">{options}</select>'
            f'<div class="options">{panes}</div>{error}</fieldset>'
        )
    label = f'<label for="{ident}">{_label_text(field, "Value")}</label>'
    control = _control(field, ident, described)
    return f"<div {attrs}>{label}{control}{hint_html}{error}</div>"


def _shown(value_json: str) -> str:
    """An enum value as the dashboard shows it: a string as itself, anything else as JSON."""
    value = json.loads(value_json)
    return value if isinstance(value, str) and value.strip() else value_json


def _control(field: Field, ident: str, described: str) -> str:
    common = f'id="{ident}" class="control" aria-describedby="{described}"'
    if field.required and field.name:
        common += ' aria-required="true"'
    default = json.loads(field.default_json) if field.default_json is not None else None
    if field.kind == "boolean":
        checked = " checked" if default is True else ""
        return f'<input type="checkbox" {common}{checked}>'
    if field.kind in ("enum", "const"):
        values = (
            [(o.value_json, o.title) for o in field.options]
            if field.kind == "enum"
            else [(field.const_json or "null", None)]
        )
        chosen = field.default_json if field.default_json is not None else values[0][0]
        blank = (
            ""
            if field.required or field.kind == "const" or field.default_json
            else ('<option value="">(not set)</option>')
        )
        if blank:
            chosen = field.default_json or ""
        options = "".join(
            f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>'
            f"{esc(f'{title} ({_shown(value)})' if title else _shown(value))}</option>"
            for value, title in values
        )
        return f"<select {common}>{blank}{options}</select>"
    if field.kind == "json" or field.multiline:
        text = (
            ""
            if default is None
            else (
                default
                if isinstance(default, str) and field.kind != "json"
                else json.dumps(default)
            )
        )
        return f"<textarea {common}>{esc(text)}</textarea>"
    kind = "password" if field.secret else _INPUT_TYPES.get(field.kind, "text")
    step = (
        ' step="1"'
        if field.kind == "integer"
        else (' step="any"' if field.kind == "number" else "")
    )
    value = (
        "" if default is None else (default if isinstance(default, str) else json.dumps(default))
    )
    auto = ' autocomplete="off"' if field.secret else ""
    return f'<input type="{kind}" {common}{step}{auto} value="{esc(value)}">'
