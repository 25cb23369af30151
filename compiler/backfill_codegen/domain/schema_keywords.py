"""Which JSON Schema keywords hold subschemas, and whether those apply to the same instance.

The one taxonomy: the subschema walk (settings_schema.walk), the generability predicate, the
budgets check, the jsonschema-rs shortcut and the OpenAPI converter all build on these lists,
so a keyword one of them knows is not missed by another. `items` is apart: one schema, or a list
of schemas up to draft-07 (the tuple form); `prefixItems` is a list. `dependencies` (draft-07)
is apart too: a map whose values are schemas (in place) or lists of names.
"""

from __future__ import annotations

#: Keywords whose value is one schema applying to the same instance ("in place").
IN_PLACE_ONE = ("not", "if", "then", "else")
#: Keywords whose value is a list of schemas applying in place.
IN_PLACE_LIST = ("allOf", "anyOf", "oneOf")
#: Keywords whose value is a map of schemas applying in place.
IN_PLACE_MAP = ("dependentSchemas",)
#: Keywords whose value is one schema for another instance (a child, an item, a name).
CHILD_ONE = (
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
)
#: Keywords whose value is a map of schemas for other instances.
CHILD_MAP = ("properties", "patternProperties")
#: Keywords whose value is a map of schemas that apply only where referenced.
DEFINITION_MAPS = ("$defs", "definitions")
#: Keywords whose value is a non-negative integer (a count or a length). JSON has one number
#: type: `1e20` is an integer to a validator, a float to Python.
COUNTS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
