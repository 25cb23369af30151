"""Rules about `connection.settingsSchema`: the JSON Schema of the settings form.

Produced by checks/settings.py (with checks/settings_fast.py, its jsonschema-rs shortcut).
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

INVALID_SETTINGS_SCHEMA = Rule(
    "BF401",
    "invalid-settings-schema",
    E,
    "`settingsSchema` is not a valid JSON Schema of its dialect.",
    "The dashboard renders the settings form from this schema and the generated code "
    "validates settings with it, so it must pass its dialect's metaschema (`$schema`; "
    "2020-12 when absent). Each metaschema error is reported where it occurs. The "
    "metaschemas are the ones bundled with the compiler: nothing is fetched. What the "
    "metaschema does not reach but the compiler reads is held to it too (a definition under "
    "a map the dialect lacks, such as draft-07's `$defs`; a `$ref` target under an `x-...` "
    "key), and a keyword accepted in every dialect must have its type (`writeOnly` and "
    "`nullable` booleans, `title` a string).",
    '{ "type": "object", "properties": { "region": { "type": "text" } } }',
    '{ "type": "object", "properties": { "region": { "type": "string" } } }',
)

SETTINGS_NOT_OBJECT = Rule(
    "BF402",
    "settings-not-object",
    E,
    "`settingsSchema` is not `type: object`.",
    "Settings are a set of named fields, so the root schema must be `type: object`, "
    "directly or through a root `$ref` to a local definition of `type: object`.",
    '{ "type": "string" }',
    '{ "type": "object", "properties": { "api_key": { "type": "string" } } }',
)

UNKNOWN_REQUIRED = Rule(
    "BF403",
    "unknown-required",
    E,
    "A `required` name is not one of the schema's `properties`.",
    "A required field that the form does not define can never be filled in, so every "
    "install would fail validation. This is checked for the root and for every nested "
    "object schema (properties, items, definitions and `oneOf`/`anyOf`/`allOf` branches; "
    "a branch may require a property its parent defines). Usually a typo: fix the name, "
    "or add the property.",
    '{ "type": "object", "required": ["api_kye"], '
    '"properties": { "api_key": { "type": "string" } } }',
    '{ "type": "object", "required": ["api_key"], '
    '"properties": { "api_key": { "type": "string" } } }',
)

INVALID_DEFAULT = Rule(
    "BF404",
    "invalid-default",
    E,
    "A `default` does not validate against its own schema.",
    "The dashboard pre-fills the form with the default, and the generated settings model "
    "uses it when the admin leaves the field empty; a default its own schema rejects "
    "makes that install invalid. Fix the default's type or value. Patterns are matched "
    "with ECMA-262 semantics, as the dashboard does.",
    '{ "type": "integer", "default": "30" }',
    '{ "type": "integer", "default": 30 }',
)

REMOTE_REF = Rule(
    "BF405",
    "remote-ref",
    E,
    "A `$ref` points outside the settings schema.",
    "The compiler never fetches anything over the network, and the dashboard cannot "
    "either, so every `$ref` (and `$dynamicRef`/`$recursiveRef`) must be local: a JSON "
    "pointer (`#/$defs/name`) or anchor inside `settingsSchema`. Copy the referenced "
    "schema into `$defs` and point at it.",
    '{ "properties": { "region": { "$ref": "https://example.com/region.json" } } }',
    '{ "$defs": { "region": { "type": "string" } }, '
    '"properties": { "region": { "$ref": "#/$defs/region" } } }',
)

UNRESOLVED_REF = Rule(
    "BF406",
    "unresolved-ref",
    E,
    "A local `$ref` does not resolve, or loops back to itself.",
    "A `$ref` whose JSON pointer names nothing, or a chain of `$ref`s that returns to "
    "where it started without reaching a schema, gives the validator nothing to check "
    "against. Point the reference at an existing definition.",
    '{ "properties": { "region": { "$ref": "#/$defs/regoin" } }, '
    '"$defs": { "region": { "type": "string" } } }',
    '{ "properties": { "region": { "$ref": "#/$defs/region" } }, '
    '"$defs": { "region": { "type": "string" } } }',
)

INVALID_PATTERN = Rule(
    "BF407",
    "invalid-pattern",
    E,
    "A `pattern` (or `patternProperties` key) is not a valid ECMA-262 regular expression.",
    "JSON Schema patterns are ECMA-262 regexes; the dashboard compiles them as "
    '`new RegExp(pattern, "u")` (unicode mode), which is stricter than Python\'s `re`: '
    "for example `\\-` outside a character class, lone braces and `(?P<name>...)` are "
    "errors. Rewrite the pattern in JavaScript syntax.",
    '{ "type": "string", "pattern": "^(?P<shop>[a-z]+)$" }',
    '{ "type": "string", "pattern": "^(?<shop>[a-z]+)$" }',
)

UNKNOWN_DIALECT = Rule(
    "BF408",
    "unknown-dialect",
    E,
    "`$schema` names no known JSON Schema dialect.",
    "The compiler checks the schema against the metaschema its `$schema` names, and knows "
    "draft-03, draft-04, draft-06, draft-07, 2019-09 and 2020-12 by their official URIs "
    "(`http://json-schema.org/draft-07/schema#`, "
    "`https://json-schema.org/draft/2020-12/schema`). Use one of those, or drop `$schema` "
    "for 2020-12. An unknown dialect is checked as the closest known one.",
    '{ "$schema": "https://json-schema.org/draft-07/schema#", "type": "object" }',
    '{ "$schema": "http://json-schema.org/draft-07/schema#", "type": "object" }',
    fix="replace the URI with the known dialect it is a twin of",
)

SECRET_VALUE_IN_MANIFEST = Rule(
    "BF409",
    "secret-value-in-manifest",
    E,
    "A secret setting has a literal value in the manifest.",
    "A secret (`writeOnly: true` or `format: password`, directly or through a `$ref` or "
    "`allOf`) is a credential the admin enters in the settings form. A `default`, `const`, "
    "`enum`, `example` or `examples` on it (or on any schema that applies to the same value: "
    "`allOf`/`anyOf`/`oneOf` members, `if`/`then`/`else`, `not`, `$ref` targets, and the "
    "`x-default`-style extensions), or a value for it inside an object's or array's "
    "`default`/`examples`/`const`/`enum`, commits that credential to the repository. The "
    "generated files never echo such a value (it is left out of every output), and `check` "
    "reports it here. Move the credential out of the manifest.",
    '{ "type": "object", "properties": { "api_key": { "type": "string", '
    '"writeOnly": true, "default": "sk_live_51H..." } } }',
    '{ "type": "object", "properties": { "api_key": { "type": "string", "writeOnly": true } } }',
)

UNKNOWN_SETTINGS_KEYWORD = Rule(
    "BF410",
    "unknown-settings-keyword",
    W,
    "A settings-schema keyword is not one its dialect knows.",
    "Validators ignore a keyword they do not know, so a misspelt or foreign keyword "
    "silently constrains nothing. Each key of each subschema is looked up in its "
    "dialect's vocabulary (from the bundled metaschemas), in the annotations accepted "
    "everywhere (OpenAPI's `example`, `nullable`, `discriminator`; Airbyte's form hints "
    "such as `order` and `group`), and `x-...` extensions are always accepted. Property "
    "and definition names are never keywords. A vendor's secret marker such as "
    "`airbyte_secret` is reported too: secrets are `writeOnly: true` here. Rename an "
    "extension to `x-...`, or fix the keyword.",
    '{ "type": "object", "properties": { "name": { "type": "string", "tittle": "Name" } } }',
    '{ "type": "object", "properties": { "name": { "type": "string", "title": "Name" } } }',
)

MISSPELT_SETTINGS_KEYWORD = Rule(
    "BF411",
    "misspelt-settings-keyword",
    E,
    "An unknown settings-schema keyword is a misspelling of one that changes validation.",
    "`writeonly: true` leaves an API key a plain, echoed string; `requried` makes every "
    "field optional; `maxitems` limits nothing. An unknown key that differs from a keyword "
    "that changes what validates or what is secret (`writeOnly`, `required`, `type`, "
    "`format`, `pattern`, `enum`, `items`, `properties`, the bounds, `$ref`, ...) only by "
    "case, or by at most two edits (one for keywords of four letters or fewer), is an "
    "error: the schema does not say what its author meant.",
    '{ "type": "object", "requried": ["api_key"], '
    '"properties": { "api_key": { "type": "string", "writeonly": true } } }',
    '{ "type": "object", "required": ["api_key"], '
    '"properties": { "api_key": { "type": "string", "writeOnly": true } } }',
)

RULES = (
    INVALID_SETTINGS_SCHEMA,
    SETTINGS_NOT_OBJECT,
    UNKNOWN_REQUIRED,
    INVALID_DEFAULT,
    REMOTE_REF,
    UNRESOLVED_REF,
    INVALID_PATTERN,
    UNKNOWN_DIALECT,
    SECRET_VALUE_IN_MANIFEST,
    UNKNOWN_SETTINGS_KEYWORD,
    MISSPELT_SETTINGS_KEYWORD,
)
