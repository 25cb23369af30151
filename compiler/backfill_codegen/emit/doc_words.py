"""The sentences both documentation outputs say (CONNECTOR.md, emit/docs.py; the site,
emit/site/pages.py): one wording, so the two never drift apart. Plain text, no markup."""

from __future__ import annotations

NO_INSTRUCTIONS = "The connector gives no setup instructions."
INSTRUCTIONS = "The connector's setup instructions, as the dashboard shows them:"
NO_WEBHOOK = "This connector receives no webhooks."
WEBHOOK = (
    "Paste this URL into the provider's webhook settings. The dashboard shows it with every "
    "token already replaced; as a template:"
)
NO_SETTINGS = "This connector has no settings."
SECRETS = "A secret is write-only: once saved, the dashboard never shows it again."
NO_OAUTH = "This connector does not use OAuth."
CONSENT = "Connecting sends the admin to the provider to sign in and grant these scopes:"
NO_ROUTES = "This connector declares no endpoints."
NO_PERMISSIONS = "This connector makes no outbound HTTP calls."
ALLOWLIST = "Outbound HTTP may go only to these URLs ({star} matches any run of characters):"
TOKENS = {
    "tenant_id": "the ID of the workspace installing the connector",
    "connection_id": "the ID of this connection, created when the admin saves it",
}
UNKNOWN_TOKEN = "a value the platform fills in"
