"""Settings, compared by meaning: which stored settings the new schema rejects.

Both schemas are normalised (normalise.py), then walked side by side from the root, one
instance location at a time (a property, an array's items). At each pair of nodes every
constraint is compared: a tightened one yields a change whose counter-example (witness.py) is
confirmed against the two real schemas; a change no rule names is searched for (BF812). A change
that rejects no stored value (a refactor, an equivalent pattern) is not reported.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator
from typing import Any

from backfill_codegen.diagnostics.model import JsonPath, Rule
from backfill_codegen.diff import witness
from backfill_codegen.diff.change import Change
from backfill_codegen.diff.normalise import normalise, strip
from backfill_codegen.diff.witness import Roots, canonical, example, found
from backfill_codegen.domain.settings_schema import SETTINGS_PATH, dialect_of
from backfill_codegen.rules import diff as rules

#: Keywords the walk compares itself; a difference in any other is searched for (BF812).
_HANDLED = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "oneOf",
        "anyOf",
        "default",
        "_at",
        "_secret",
        "_cycle",
    }
)
#: Lower and upper bounds, each with the keyword of its kind that pins a value past it.
_LOWER = {
    "minLength": "maxLength",
    "minItems": "maxItems",
    "minProperties": "maxProperties",
    "minimum": "maximum",
    "exclusiveMinimum": "maximum",
}
_UPPER = {
    "maxLength": "minLength",
    "maxItems": "minItems",
    "maxProperties": "minProperties",
    "maximum": "minimum",
    "exclusiveMaximum": "minimum",
}
_BOUNDS = frozenset(_LOWER) | frozenset(_UPPER)
Chain = list[tuple[Any, str | int]]


def compare(old_schema: Any, new_schema: Any) -> list[Change]:
    """Every change of the settings schema that breaks stored settings (or secrets)."""
    old, new = normalise(old_schema), normalise(new_schema)
    roots = Roots(
        old_schema, new_schema, dialect_of(old_schema).validator, dialect_of(new_schema).validator
    )
    return list(_Walk(roots).node(old, new, [], "settings"))


def _at(node: Any, *keys: str | int) -> JsonPath:
    base = node.get("_at", ()) if isinstance(node, dict) else ()
    return (*SETTINGS_PATH, *base, *keys)


def _types(node: Any) -> set[str] | None:
    types = node.get("type") if isinstance(node, dict) else None
    return None if types is None else set(types)


def _admits(types: set[str] | None, kind: str) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _mask(old: Any, value: Any) -> Any:
    """The counter-example as shown: every secret's value is `***`."""
    if isinstance(old, dict) and old.get("_secret") and value is not None:
        return "***"
    if isinstance(value, dict) and isinstance(old, dict):
        properties = old.get("properties", {})
        return {k: _mask(properties.get(k), v) for k, v in value.items()}
    if isinstance(value, list) and isinstance(old, dict):
        return [_mask(old.get("items"), v) for v in value]
    return value


class _Walk:
    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.root: Any = None

    def _change(
        self,
        rule: Rule,
        message: str,
        path: JsonPath,
        help_: str,
        chain: Chain,
        old: Any,
        new: Any,
        candidates: list[Any],
        searching: bool = True,
    ) -> Iterator[Change]:
        """The change, when a counter-example confirms it."""
        found_ = witness.counter_example(self.roots, chain, old, new, candidates, searching)
        if found(found_):
            yield Change(rule, message, "new", path, help_, _mask(self.root, found_))

    def node(self, old: Any, new: Any, chain: Chain, name: str) -> Iterator[Change]:
        if self.root is None:
            self.root = old
        if _same(old, new):
            return
        if not isinstance(old, dict) or not isinstance(new, dict) or old.get("_cycle"):
            yield from self._search(old, new, chain, name)
            return
        yield from self._secrets(old, new, name)
        yield from self._type(old, new, chain, name)
        yield from self._values(old, new, chain, name)
        yield from self._bounds(old, new, chain, name)
        yield from self._choices(old, new, chain, name)
        yield from self._object(old, new, chain, name)
        if isinstance(old.get("items"), dict | bool) and isinstance(new.get("items"), dict | bool):
            yield from self.node(old["items"], new["items"], [*chain, (old, 0)], f"{name}[]")
        elif strip(old.get("items")) != strip(new.get("items")):
            yield from self._search(old, new, chain, name)
            return
        others = (old.keys() | new.keys()) - _HANDLED - _BOUNDS
        if any(strip(old.get(k)) != strip(new.get(k)) for k in others):
            yield from self._search(old, new, chain, name, _relaxed(old, new))

    def _search(
        self, old: Any, new: Any, chain: Chain, name: str, against: Any = None
    ) -> Iterator[Change]:
        """A change no rule names. `against`: the new node with what the rules compare put
        back as it was, so the search finds only what they do not report."""
        at = _at(new) if isinstance(new, dict) else _at(old)
        yield from self._change(
            rules.STORED_VALUE_REJECTED,
            f"`{name}` rejects values it accepted before",
            at,
            "loosen the new schema so that it accepts the stored value below",
            chain,
            old,
            new if against is None else against,
            [],
        )

    def _secrets(self, old: Any, new: Any, name: str) -> Iterator[Change]:
        was = isinstance(old, dict) and bool(old.get("_secret"))
        now = isinstance(new, dict) and bool(new.get("_secret"))
        if was and not now:
            yield Change(
                rules.SECRET_NO_LONGER_SECRET,
                f"`{name}` was a secret and is not any more: stored values would be shown",
                "new",
                _at(new),
                "keep `writeOnly: true` (or `format: password`) on it",
            )
        elif now and not was:
            yield Change(
                rules.SETTING_NEWLY_SECRET,
                f"`{name}` is a secret now: values stored before are plain text",
                "new",
                _at(new),
                "ask admins to re-enter the value (or rotate it) after the release",
            )

    def _type(self, old: dict, new: dict, chain: Chain, name: str) -> Iterator[Change]:
        before, after = _types(old), _types(new)
        if after is None:
            return
        lost = [t for t in witness._ORDER if _admits(before, t) and not _admits(after, t)]
        if before is not None and "number" in before and "number" not in after:
            lost.append("number")  # 0.5 is a number and no integer
        if not lost:
            return
        candidates = [example({**old, "type": [t]}) for t in lost] + [0.5]
        yield from self._change(
            rules.SETTING_TYPE_NARROWED,
            f"`{name}` no longer accepts {' or '.join(sorted(set(lost)))}",
            _at(new, "type"),
            "keep the old type beside the new one and convert stored values in code",
            chain,
            old,
            new,
            candidates,
        )

    def _values(self, old: dict, new: dict, chain: Chain, name: str) -> Iterator[Change]:
        base = example(old)
        kept = {canonical(v) for v in new.get("enum", ())}
        removed = [v for v in old.get("enum", ()) if canonical(v) not in kept]
        # an enum that only grew (or was reordered) rejects nothing
        if "enum" in new and (removed or "enum" not in old):
            what = ", ".join(canonical(v) for v in removed) or "values it accepted before"
            yield from self._change(
                rules.ENUM_VALUE_REMOVED,
                f"`{name}`'s `enum` no longer allows {what}",
                _at(new, "enum"),
                "keep the old values in the `enum` and map them in the connector's code",
                chain,
                old,
                new,
                [*removed, base],
            )
        if "const" in new and canonical(old.get("const")) != canonical(new["const"]):
            yield from self._change(
                rules.CONST_CHANGED,
                f"`{name}`'s `const` changed to {canonical(new['const'])}",
                _at(new, "const"),
                "keep the old constant, or accept old and new with an `enum`",
                chain,
                old,
                new,
                [old.get("const"), base],
            )
        if "pattern" in new and old.get("pattern") != new["pattern"]:
            yield from self._change(
                rules.PATTERN_CHANGED,
                f"`{name}`'s `pattern` rejects values the old schema accepted",
                _at(new, "pattern"),
                "widen the pattern to accept the old values too",
                chain,
                old,
                new,
                [base, old.get("default")],
            )

    def _bounds(self, old: dict, new: dict, chain: Chain, name: str) -> Iterator[Change]:
        for keyword, pin in (*_LOWER.items(), *_UPPER.items()):
            if keyword not in new or old.get(keyword) == new[keyword]:
                continue
            lower = keyword in _LOWER
            before = old.get(keyword)
            if before is not None and (new[keyword] <= before if lower else new[keyword] >= before):
                continue  # loosened
            bound = new[keyword]
            # the old node pinned past the new bound: its values are the ones cut off
            step = 0 if "exclusive" in keyword else 1
            inside = {**old, pin: bound - step if lower else bound + step}
            yield from self._change(
                rules.BOUND_TIGHTENED,
                f"`{name}`'s `{keyword}` tightened to {bound}"
                + ("" if before is None else f" (was {before})"),
                _at(new, keyword),
                f"keep the old bound{'' if before is None else f' ({before})'}; enforce the new "
                "one in the connector's code",
                chain,
                old,
                new,
                [example(inside)],
            )

    def _choices(self, old: dict, new: dict, chain: Chain, name: str) -> Iterator[Change]:
        for keyword in ("oneOf", "anyOf"):
            if strip(old.get(keyword)) == strip(new.get(keyword)) or keyword not in old:
                continue
            kept = {canonical(strip(c)) for c in new.get(keyword, ())}
            gone = [c for c in old[keyword] if canonical(strip(c)) not in kept]
            yield from self._change(
                rules.CHOICE_REMOVED if gone else rules.STORED_VALUE_REJECTED,
                f"`{name}`'s `{keyword}` no longer accepts a choice it had",
                _at(new, keyword),
                "keep the old choice (deprecated) until no tenant uses it",
                chain,
                old,
                new,
                [example(c) for c in gone],
            )
        if ("oneOf" in new and "oneOf" not in old) or ("anyOf" in new and "anyOf" not in old):
            yield from self._search(old, new, chain, name)

    def _object(self, old: dict, new: dict, chain: Chain, name: str) -> Iterator[Change]:
        before, after = old.get("properties", {}), new.get("properties", {})
        base = example(old)
        if not isinstance(base, dict):  # `old` is no object schema (its type changed): no keys
            base = {}
        for key in sorted(set(new.get("required", ())) - set(old.get("required", ()))):
            if isinstance(after.get(key), dict) and "default" in after[key]:
                continue
            without = {k: v for k, v in base.items() if k != key}
            yield from self._change(
                rules.SETTING_NOW_REQUIRED,
                f"`{_join(name, key)}` is required now and has no default",
                _at(new, "required"),
                f"give `{key}` a default and keep it optional until every tenant has a value",
                chain,
                old,
                new,
                [without],
            )
        for key in sorted(before.keys() & after.keys()):
            child = [*chain, (old, key)]
            yield from self.node(before[key], after[key], child, _join(name, key))
        yield from self._removed(old, new, chain, name, base)

    def _removed(
        self, old: dict, new: dict, chain: Chain, name: str, base: Any
    ) -> Iterator[Change]:
        before, after = old.get("properties", {}), new.get("properties", {})
        added = sorted(after.keys() - before.keys())
        opened = "additionalProperties" in old or "patternProperties" in old or not before
        closes = new.get("additionalProperties", True) is not True or "patternProperties" in new
        if closes and strip(old.get("additionalProperties")) != strip(
            new.get("additionalProperties")
        ):
            extra = [{**base, k: example(v)} for k, v in before.items() if k not in after]
            if opened:
                extra.append({**base, "extra": example(old.get("additionalProperties", True))})
            yield from self._change(
                rules.ADDITIONAL_PROPERTIES_CLOSED,
                f"`{name}` rejects keys that stored settings hold",
                _at(new, "additionalProperties"),
                "keep accepting the old keys (declare them, deprecated) until tenants migrate",
                chain,
                old,
                new,
                [e for e in extra if found(e) and all(found(v) for v in e.values())],
            )
        elif opened and (
            added or strip(old.get("patternProperties")) != strip(new.get("patternProperties"))
        ):
            # values stored under keys the new schema now declares: only the new properties
            # and pattern properties are new here, every other keyword is as before
            relaxed = _relaxed(old, new)
            relaxed["properties"] = {k: before.get(k, v) for k, v in after.items()}
            for keyword in ("patternProperties", "additionalProperties"):
                relaxed.pop(keyword, None)
                if keyword in new:
                    relaxed[keyword] = new[keyword]
            # values stored under a newly declared name: the old free-form values of that key
            free = witness.closed(strip(old.get("additionalProperties", True)))
            values = list(itertools.islice(witness.variants(free), 16))
            patterns = strip(old.get("patternProperties")) != strip(new.get("patternProperties"))
            yield from self._change(
                rules.STORED_VALUE_REJECTED,
                f"`{name}` rejects values stored under keys it now declares",
                _at(new, "properties"),
                "declare the new settings with schemas that accept the values stored before",
                chain,
                old,
                relaxed,
                [{**base, key: value} for key in added for value in values],
                searching=patterns,
            )
        for key in sorted(before.keys() - after.keys()):
            same_type = [k for k in added if _types(after[k]) == _types(before[key])]
            close = difflib.get_close_matches(key, same_type, n=1, cutoff=0.0)
            renamed = f"; renamed to `{close[0]}`?" if close else ""
            yield Change(
                rules.SETTING_REMOVED,
                f"`{_join(name, key)}` was removed: its stored values are dropped{renamed}",
                "old",
                _at(old, "properties", key),
                "keep the old setting (deprecated) and read it in the connector's code until "
                "every tenant is migrated",
            )


def _relaxed(old: dict, new: dict) -> dict:
    """`new` with every keyword the rules compare as in `old` (properties are compared one by
    one, so they are `old`'s too): what is left differs only where no rule looks."""
    relaxed = dict(new)
    for keyword in (_HANDLED | _BOUNDS) - {"_at", "_secret", "_cycle"}:
        if keyword in old:
            relaxed[keyword] = old[keyword]
        else:
            relaxed.pop(keyword, None)
    return relaxed


def _without_places(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_places(v) for k, v in node.items() if k != "_at"}
    if isinstance(node, list):
        return [_without_places(v) for v in node]
    return node


def _same(old: Any, new: Any) -> bool:
    """Equal in meaning and in which parts are secret (where they are written may differ)."""
    return canonical(_without_places(old)) == canonical(_without_places(new))


def _join(name: str, key: str) -> str:
    return key if name == "settings" else f"{name}.{key}"
