"""Which keywords a settings schema may use, and what a misspelt one was meant to be (BF410, BF411).

A keyword no validator knows is silently ignored: `writeonly: true` leaves the API key a plain
string, `requried` makes every field optional. So each key of each subschema is looked up:

- in its dialect's vocabulary, read from the metaschemas that ship with `jsonschema_specifications`
  (the metaschema's `properties`, and those of its vocabulary documents for 2019-09 and 2020-12),
  found on disk without importing the package;
- in `ACCEPTED`: keywords accepted in every dialect because the compiler reads them whatever the
  dialect (`$ref`, `writeOnly`, `format`, the annotations, the definition maps), or because they
  are harmless annotations of OpenAPI and of the tools settings schemas are copied from (the
  Airbyte UI hints). Listed in the README's Assumptions;
- `x-...` extensions are always accepted.

Anything else is unknown. An unknown key that is a near miss of a keyword in `SIGNIFICANT` (one
that changes what validates or what is secret) is an error, BF411: the same letters in another
case, or at most 2 edits away (1 for keywords of 4 letters or fewer; a swap of two neighbours
is one edit). Other unknown keys are warnings, BF410, with the closest keyword when one is close,
the dialect that does know a keyword of another dialect, and what to write for a vendor's secret
marker.
"""

from __future__ import annotations

import difflib
from functools import cache

from backfill_codegen.domain.dialects import KNOWN_DIALECTS, metaschema_documents

#: Accepted in every dialect. The compiler reads these whatever `$schema` says (a secret is
#: `writeOnly`/`format: password` in draft-04 too; `#/$defs/...` resolves in draft-07 too), and
#: the annotations change nothing that validates.
ACCEPTED = frozenset(
    {
        "$schema",
        "$ref",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        "contentEncoding",
        "contentMediaType",
        # OpenAPI 3.0 schema objects (settings schemas are often copied from API specs).
        "example",
        "nullable",
        "discriminator",
        "xml",
        "externalDocs",
        # Airbyte connector specs' form hints (order and grouping of fields, multi-line inputs):
        # presentation only.
        "order",
        "group",
        "groups",
        "always_show",
        "multiline",
        "airbyte_hidden",
        "pattern_descriptor",
        "display_type",
        "nonsensitive",
    }
)

#: Keywords whose misspelling changes what validates or what is secret: a near miss is BF411.
SIGNIFICANT = frozenset(
    {
        "$ref",
        "$defs",
        "additionalItems",
        "additionalProperties",
        "allOf",
        "anyOf",
        "const",
        "contains",
        "definitions",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "else",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "items",
        "maxContains",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minContains",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "not",
        "oneOf",
        "pattern",
        "patternProperties",
        "prefixItems",
        "properties",
        "propertyNames",
        "required",
        "then",
        "type",
        "unevaluatedItems",
        "unevaluatedProperties",
        "uniqueItems",
        "writeOnly",
    }
)

#: Vendor markers of a secret: the compiler does not read them (a secret is `writeOnly: true`).
VENDOR_SECRETS = frozenset({"airbyte_secret", "secret", "sensitive", "isSecret", "x_secret"})


@cache
def dialect_keywords(uri: str) -> frozenset[str]:
    """The keywords of dialect `uri`, from its metaschema and vocabulary documents."""
    documents = metaschema_documents(uri)
    if documents is None:
        return frozenset()
    meta, vocabularies = documents
    names: set[str] = set()
    for document in (meta, *vocabularies):
        properties = document.get("properties") if isinstance(document, dict) else None
        if isinstance(properties, dict):
            names.update(properties)
    return frozenset(names)


@cache
def all_keywords() -> frozenset[str]:
    """Every keyword of every known dialect."""
    return frozenset().union(*(dialect_keywords(uri) for uri in KNOWN_DIALECTS))


def is_known(key: str, uri: str) -> bool:
    return key.startswith("x-") or key in ACCEPTED or key in dialect_keywords(uri)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours), or
    `limit + 1` once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def near_miss(key: str, uri: str) -> str | None:
    """The significant keyword of dialect `uri` (or accepted everywhere) that `key` misspells,
    or None."""
    candidates = sorted(k for k in SIGNIFICANT if k in dialect_keywords(uri) or k in ACCEPTED)
    folded = key.casefold()
    for keyword in candidates:
        if keyword.casefold() == folded:
            return keyword
    best: tuple[int, float, str] | None = None
    for keyword in candidates:
        limit = 1 if len(keyword) <= 4 else 2
        distance = edit_distance(folded, keyword.casefold(), limit)
        if distance <= limit:
            ratio = difflib.SequenceMatcher(None, folded, keyword.casefold()).ratio()
            rank = (distance, -ratio, keyword)
            if best is None or rank < best:
                best = rank
    return best[2] if best is not None else None


def closest(key: str, uri: str) -> str | None:
    """The keyword of dialect `uri` (or accepted everywhere) closest to `key`, for a hint."""
    known = sorted(dialect_keywords(uri) | ACCEPTED)
    folded = {k.casefold(): k for k in known}
    if key.casefold() in folded:
        return folded[key.casefold()]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return close[0] if close else None


def dialects_knowing(key: str) -> list[str]:
    """The dialects (URIs) whose vocabulary has `key`."""
    return [uri for uri in KNOWN_DIALECTS if key in dialect_keywords(uri)]
