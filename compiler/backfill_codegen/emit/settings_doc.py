"""The settings schema as documentation sees it: a tree of fields, each with its wording.

One model for both readers of the settings: `CONNECTOR.md` (emit/docs.py) lists it, the docs
site (emit/site/) renders it as the settings form. Every field is a node: a leaf (string,
number, integer, boolean, an enum, a constant), an object (its properties, in the schema's
order), an array (its item field), or a choice (`oneOf`/`anyOf`: one field per option). The
wording of a type (`type_label`) and of a constraint (`constraints`) lives here, not in the
lowering: it is the documentation's language.

The schema read is `ir.Settings.schema`, from which lowering removed every secret's value: no
secret default, example or enum reaches a reader.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backfill_codegen.domain import settings_schema

_LABEL_DEPTH = 4
#: Deeper than this the form and the page show a field as free JSON text (a `$ref` cycle).
MAX_DEPTH = 8
LEAF_KINDS = frozenset({"string", "number", "integer", "boolean", "enum", "const", "json"})


@dataclass(frozen=True)
class Option:
    """One value of an enum: its JSON text and the title the author gave it (or None)."""

    value_json: str
    title: str | None


@dataclass(frozen=True)
class Field:
    name: str  # the property name; "" for the root, an array item or a choice option
    kind: str  # string, number, integer, boolean, enum, const, json, object, array, choice
    title: str | None
    description: str | None
    required: bool
    secret: bool
    default_json: str | None  # never set on a secret (lowering removed its values)
    type_label: str  # "string", "one of: ...", "array of string": the docs' words for the type
    #: In words, each with the manifest text it quotes (a pattern, a format) or None:
    #: ("8 to 64 characters" with an en dash, None), ("matches the pattern", "^a+$").
    constraints: tuple[tuple[str, str | None], ...] = ()
    options: tuple[Option, ...] = ()  # enum values
    children: tuple[Field, ...] = ()  # object properties; array: (item,); choice: the options
    const_json: str | None = None
    multiline: bool = False  # a long text (a PEM key, a JSON blob): a textarea in the form

    @property
    def label(self) -> str:
        return self.title or self.name

    def leaves(self) -> list[Field]:
        """Every leaf field below (and including) this one, array items included once."""
        if self.kind in LEAF_KINDS:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def tree(schema: Mapping[str, Any]) -> Field:
    """The root field of a settings schema (an object)."""
    return _field(schema, schema, "", required=False, depth=0)


def _views(root: Any, schema: Any) -> list[Mapping[str, Any]]:
    return [view for _, view in settings_schema.views(root, schema)] or (
        [schema] if isinstance(schema, Mapping) else []
    )


def _first(views: list[Mapping[str, Any]], key: str) -> Any:
    return next((view[key] for view in views if key in view), None)


def _text(views: list[Mapping[str, Any]], key: str) -> str | None:
    found = next((view[key] for view in views if isinstance(view.get(key), str)), None)
    return found


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _kind(views: list[Mapping[str, Any]]) -> str:
    for view in views:
        if isinstance(view.get("enum"), list):
            return "enum"
        if "const" in view:
            return "const"
    for view in views:
        for choice in ("oneOf", "anyOf"):
            if isinstance(view.get(choice), list) and view[choice]:
                return "enum" if _const_options(view[choice]) else "choice"
    types = [view["type"] for view in views if "type" in view]
    kind = types[0] if types else None
    if isinstance(kind, list):
        kind = kind[0] if len(kind) == 1 else None
    if kind in ("string", "number", "integer", "boolean", "object", "array"):
        return kind
    if any("properties" in view for view in views):
        return "object"
    return "json"


def _const_options(options: list[Any]) -> list[Option] | None:
    """`oneOf: [{const, title}, ...]`: an enum whose values have titles."""
    if not all(isinstance(o, Mapping) and "const" in o for o in options):
        return None
    return [
        Option(_json(o["const"]), o.get("title") if isinstance(o.get("title"), str) else None)
        for o in options
    ]


def _options(views: list[Mapping[str, Any]]) -> tuple[Option, ...]:
    for view in views:
        if isinstance(view.get("enum"), list):
            names = view.get("x-enumNames", view.get("enumNames"))
            titles = names if isinstance(names, list) and len(names) == len(view["enum"]) else []
            return tuple(
                Option(
                    _json(value),
                    titles[i] if i < len(titles) and isinstance(titles[i], str) else None,
                )
                for i, value in enumerate(view["enum"])
            )
        for choice in ("oneOf", "anyOf"):
            found = (
                _const_options(view.get(choice) or [None])
                if isinstance(view.get(choice), list)
                else None
            )
            if found:
                return tuple(found)
    return ()


def _field(
    root: Any, schema: Any, name: str, *, required: bool, depth: int, secret_above: bool = False
) -> Field:
    views = _views(root, schema)
    secret = secret_above or settings_schema.is_secret_schema(root, schema)
    kind = _kind(views) if depth <= MAX_DEPTH else "json"
    default = _first(views, "default")
    has_default = any("default" in view for view in views)
    children: tuple[Field, ...] = ()
    if kind == "object":
        children = _properties(root, views, depth)
    elif kind == "array":
        items = _first(views, "items")
        children = (
            _field(
                root,
                items if isinstance(items, Mapping) else {},
                "",
                required=True,
                depth=depth + 1,
            ),
        )
    elif kind == "choice":
        options = next(
            view[c]
            for view in views
            for c in ("oneOf", "anyOf")
            if isinstance(view.get(c), list) and view[c]
        )
        children = tuple(
            _field(root, option, "", required=True, depth=depth + 1) for option in options
        )
    const = _first(views, "const")
    return Field(
        name=name,
        kind=kind,
        title=_text(views, "title"),
        description=_text(views, "description"),
        required=required,
        secret=secret,
        default_json=_json(default) if has_default and not secret else None,
        type_label=type_label(root, schema),
        constraints=tuple(constraints(views, kind)),
        options=_options(views) if kind == "enum" else (),
        children=children,
        const_json=_json(const) if kind == "const" else None,
        multiline=(kind == "string" and (_first(views, "maxLength") or 0) > 200)
        or any(view.get("contentMediaType") for view in views),
    )


def _properties(root: Any, views: list[Mapping[str, Any]], depth: int) -> tuple[Field, ...]:
    required: set[str] = set()
    found: dict[str, Any] = {}
    for view in views:
        if isinstance(view.get("required"), list):
            required.update(n for n in view["required"] if isinstance(n, str))
        properties = view.get("properties")
        if isinstance(properties, Mapping):
            for key, sub in properties.items():
                found.setdefault(key, sub)
    return tuple(
        _field(root, sub, key, required=key in required, depth=depth + 1)
        for key, sub in found.items()
    )


def type_label(root: Any, schema: Any, depth: int = 0) -> str:
    """A short human description of a property's type, for the docs."""
    if depth > _LABEL_DEPTH:  # a `$ref` cycle through oneOf/anyOf/items
        return "…"
    views = _views(root, schema)
    for view in views:
        if isinstance(view.get("enum"), list):
            return "one of: " + ", ".join(json.dumps(v, ensure_ascii=False) for v in view["enum"])
        if "const" in view:
            return "constant " + json.dumps(view["const"], ensure_ascii=False)
    for view in views:
        for choice in ("oneOf", "anyOf"):
            if isinstance(view.get(choice), list):
                labels = [type_label(root, option, depth + 1) for option in view[choice]]
                titled = [
                    option.get("title") if isinstance(option, Mapping) else None
                    for option in view[choice]
                ]
                names = [
                    t if isinstance(t, str) else lbl for t, lbl in zip(titled, labels, strict=True)
                ]
                return "one of: " + " | ".join(names)
        kind = view.get("type")
        if isinstance(kind, list):
            return " or ".join(str(k) for k in kind)
        if kind == "array":
            items = view.get("items")
            if isinstance(items, Mapping):
                return "array of " + type_label(root, items, depth + 1)
            return "array"
        if isinstance(kind, str):
            return kind
    return "any"


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _json(value)


def _range(low: Any, high: Any, unit: str) -> str | None:
    low, high = _number(low), _number(high)
    one = (high if low is None else low) == "1" and (low is None or high is None)
    suffix = f" {unit[:-1] if one else unit}" if unit else ""  # "at least 1 item"
    if low is not None and high is not None:
        return f"{low}\u2013{high}{suffix}"  # an en dash: "8–64 characters"  # noqa: RUF003
    if low is not None:
        return f"at least {low}{suffix}"
    if high is not None:
        return f"at most {high}{suffix}"
    return None


def constraints(views: list[Mapping[str, Any]], kind: str) -> list[tuple[str, str | None]]:
    """The schema's constraints in words, in a fixed order."""

    def get(key: str) -> Any:
        return _first(views, key)

    words: list[tuple[str, str | None]] = []
    lengths = _range(get("minLength"), get("maxLength"), "characters")
    if lengths:
        words.append((lengths, None))
    bounds = _range(get("minimum"), get("maximum"), "")
    if bounds:
        words.append((bounds, None))
    if _number(get("exclusiveMinimum")) is not None:
        words.append((f"more than {_number(get('exclusiveMinimum'))}", None))
    if _number(get("exclusiveMaximum")) is not None:
        words.append((f"less than {_number(get('exclusiveMaximum'))}", None))
    if _number(get("multipleOf")) is not None:
        words.append((f"a multiple of {_number(get('multipleOf'))}", None))
    items = _range(get("minItems"), get("maxItems"), "items")
    if items:
        words.append((items, None))
    if get("uniqueItems") is True:
        words.append(("no duplicates", None))
    if isinstance(get("pattern"), str):
        words.append(("matches the pattern", get("pattern")))
    if isinstance(get("format"), str) and get("format") != "password":
        words.append(("format", get("format")))
    return words
