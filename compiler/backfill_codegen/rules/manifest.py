"""Rules about the manifest's shape: required keys, unknown keys, value types, the slug.

Produced by checks/structure.py (BF101-BF103, against schemas/manifest.schema.json) and the
`name` check of checks/project.py (BF104).
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR

MISSING_KEY = Rule(
    "BF101",
    "missing-key",
    E,
    "A required key is missing.",
    "The manifest contract requires this key (for example `name` at the top, or `route` "
    "and `method` in `testConnection`). The diagnostic points at the object that lacks it.",
    '{ "connection": { "testConnection": { "route": "/setup/test_connection" } } }',
    '{ "connection": { "testConnection": { "route": "/setup/test_connection", '
    '"method": "POST" } } }',
)

UNKNOWN_KEY = Rule(
    "BF102",
    "unknown-key",
    E,
    "A key that the manifest contract does not define.",
    "Unknown keys are errors rather than being ignored, because a misspelt key "
    "(`testconnection`) would otherwise silently disable what it configures. The help "
    "line suggests the closest known key.",
    '{ "name": "stripe", "permisions": { "http": [] } }',
    '{ "name": "stripe", "permissions": { "http": [] } }',
)

WRONG_TYPE = Rule(
    "BF103",
    "wrong-type",
    E,
    "A value has the wrong type (a string where an object is expected, and so on).",
    "Values are checked strictly: no coercion of numbers to strings or strings to "
    "booleans, so what you write is what the platform receives.",
    '{ "name": "stripe", "permissions": { "http": "https://api.stripe.com/*" } }',
    '{ "name": "stripe", "permissions": { "http": ["https://api.stripe.com/*"] } }',
)

INVALID_NAME = Rule(
    "BF104",
    "invalid-name",
    E,
    "`name` is not a slug (`^[a-z][a-z0-9-]*$`).",
    "`name` becomes the `<slug>` in the connector's platform URLs "
    "(`/api/v1/extensions/<tenant_id>/<name>/routes/...`), so it must be lowercase "
    "letters, digits and hyphens, starting with a letter.",
    '{ "name": "Stripe Payments" }',
    '{ "name": "stripe-payments" }',
)

RULES = (
    MISSING_KEY,
    UNKNOWN_KEY,
    WRONG_TYPE,
    INVALID_NAME,
)
