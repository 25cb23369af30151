"""Rules about `connection.setup`: the webhook URL template and the setup instructions.

Produced by checks/setup.py.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

_GOOD = (
    '"/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe?connection_id=<connection_id>"'
)

WEBHOOK_ABSOLUTE_URL = Rule(
    "BF301",
    "webhook-absolute-url",
    E,
    "`webhookUrlTemplate` is an absolute URL; it must be a path.",
    "The platform expands the template against its own origin, so the template is the "
    "path (and query) only. Drop the scheme and host.",
    '"https://backfill.example/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe"',
    _GOOD,
)

UNKNOWN_WEBHOOK_TOKEN = Rule(
    "BF302",
    "unknown-webhook-token",
    E,
    "`webhookUrlTemplate` has a `<...>` token other than `<tenant_id>` and `<connection_id>`.",
    "The platform replaces exactly two tokens at install time: `<tenant_id>` and "
    "`<connection_id>`. Any other `<...>` would reach the provider literally.",
    '"/api/v1/extensions/<tenant>/stripe/routes/webhooks/stripe"',
    _GOOD,
)

WEBHOOK_WRONG_PREFIX = Rule(
    "BF303",
    "webhook-wrong-prefix",
    E,
    "`webhookUrlTemplate` does not start `/api/v1/extensions/<tenant_id>/<name>/routes/`.",
    "Webhooks reach a connector through its platform path, whose `<name>` is the "
    "manifest's `name`. A template for another prefix or another connector's name would "
    "deliver the provider's events somewhere else.",
    '"/api/v1/extensions/<tenant_id>/stripe-old/routes/webhooks/stripe"',
    _GOOD,
)

WEBHOOK_MISSING_CONNECTION_ID = Rule(
    "BF304",
    "webhook-missing-connection-id",
    W,
    "`webhookUrlTemplate` has no `<connection_id>` token.",
    "Without `<connection_id>` the webhook route cannot tell which of a tenant's "
    "connections an event belongs to. It is legal (one connection per tenant), so this "
    "is a warning.",
    '"/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe"',
    _GOOD,
)

EMPTY_INSTRUCTIONS = Rule(
    "BF305",
    "empty-instructions",
    E,
    "`setup.instructions` is empty.",
    "The instructions are what the admin reads during setup; an empty string renders as "
    "nothing. Write the provider-side steps, or leave the key out.",
    '{ "instructions": "  " }',
    '{ "instructions": "Create a webhook endpoint in Stripe, then paste its signing secret." }',
)

INVALID_WEBHOOK_ROUTE = Rule(
    "BF306",
    "invalid-webhook-route",
    E,
    "The route inside `webhookUrlTemplate` is not a valid route path.",
    "After `/routes` the template names the webhook route, a file under `src/api/`: "
    "lowercase segments of `[a-z0-9_-]+`, no `.`/`..`, no trailing `/`. The query may carry "
    "only `connection_id=<connection_id>`-style parameters.",
    '"/api/v1/extensions/<tenant_id>/stripe/routes/Webhooks/../stripe/"',
    _GOOD,
)

RULES = (
    WEBHOOK_ABSOLUTE_URL,
    UNKNOWN_WEBHOOK_TOKEN,
    WEBHOOK_WRONG_PREFIX,
    WEBHOOK_MISSING_CONNECTION_ID,
    EMPTY_INSTRUCTIONS,
    INVALID_WEBHOOK_ROUTE,
)
