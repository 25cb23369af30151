"""Rules about what `generate` can serve from the settings schema (BF413).

Produced by checks/generable.py; driver.py reports BF413 too, as generate's last line of
defence, should the settings-model generator fail on a schema the check accepted.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR

SETTINGS_SCHEMA_NOT_GENERATABLE = Rule(
    "BF413",
    "settings-schema-not-generatable",
    E,
    "The settings schema has a construct no settings model can serve faithfully.",
    "`generate` writes `settings.py`, a pydantic model that must accept exactly the settings "
    "the schema accepts. Some constructs make that impossible, and usually are mistakes: a "
    "`$ref` that loops back to the schema it is part of through `allOf`/`anyOf`/`oneOf`/"
    "`not`/`if` without descending into a property or an item (validating it never ends; "
    "a class cannot inherit from itself), a recursive type of arrays or maps that never "
    "passes through an object's `properties` (a model cannot name it), a required "
    "property whose schema accepts no "
    "value (`false`, `not: {}`, an `allOf` with such a member), so no settings are ever "
    "valid; a type nested more than 64 levels deep inside one property, deeper than a "
    "Python annotation can be written; and a secret that is not a string (a model can "
    "hide only a string: `SecretStr`). `check` and `generate` decide this with the same "
    "function, so what `check` accepts, `generate` serves. Should the model generator still "
    "fail on a schema `check` accepted (a bug in these checks: please report it), "
    "`generate` reports BF413 at `settingsSchema` with the generator's message, writes "
    "nothing and exits 1.",
    '"$defs": { "node": { "allOf": [{ "$ref": "#/$defs/node" }] } }',
    '"$defs": { "node": { "type": "object", "properties": { "children": '
    '{ "type": "array", "items": { "$ref": "#/$defs/node" } } } } }',
)

RULES = (SETTINGS_SCHEMA_NOT_GENERATABLE,)
