"""Names in generated TypeScript: property keys, property access, and type names that are
deterministic and collision-free."""

from __future__ import annotations

import re

from backfill_codegen.emit.escape import comment_text, ts_string

# ASCII only: a non-ASCII identifier is legal TypeScript, but a quoted key is always safe and
# shows the name exactly as the schema spells it.
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_WORDS = re.compile(r"[A-Za-z0-9]+")


def ts_literal(value: str) -> str:
    """A TypeScript string literal that evaluates to exactly `value`, no invisible characters."""
    return ts_string(value)


def comment(value: str) -> str:
    """Text for one line of a comment (not a round-trip: a comment is for people)."""
    return comment_text(value)


def is_identifier(name: str) -> bool:
    """Whether `name` can stand unquoted as a property name (reserved words can: `a.class`)."""
    return _IDENTIFIER.match(name) is not None


def property_key(name: str) -> str:
    """`name` as a key in an interface or a type literal; quoted unless an identifier."""
    return name if is_identifier(name) else ts_literal(name)


def property_access(target: str, name: str) -> str:
    """Reading property `name` of `target`: `target.name` or `target["api-key"]`."""
    return f"{target}.{name}" if is_identifier(name) else f"{target}[{ts_literal(name)}]"


def pascal(text: str) -> str:
    """`api-key` -> `ApiKey`, `oauthToken` -> `OauthToken`; ASCII letters and digits only."""
    return "".join(word[:1].upper() + word[1:] for word in _WORDS.findall(text))


class Names:
    """Allocates unique type names: the first asker gets `base`, later ones `base2`, `base3`."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._used: set[str] = set(reserved)

    def allocate(self, base: str) -> str:
        if not base or not _IDENTIFIER.match(base):
            base = "Type" + base
        name, index = base, 1
        while name in self._used:
            index += 1
            name = f"{base}{index}"
        self._used.add(name)
        return name

    def taken(self, name: str) -> bool:
        return name in self._used
