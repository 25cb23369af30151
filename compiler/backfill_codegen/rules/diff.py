"""Rules of `backfill-codegen diff`: changes between two versions of a manifest that break the
connections already installed (stored settings, OAuth tokens, webhooks registered at providers).

Settings rules are decided on the meaning of the two schemas, not on their text; each settings
error carries a counter-example (a stored settings object the old schema accepts and the new one
rejects). See docs/diff.md.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

SETTING_NOW_REQUIRED = Rule(
    "BF801",
    "setting-now-required",
    E,
    "A setting became required (or a required setting appeared) without a default.",
    "Every installed connection whose stored settings lack the key fails validation after the "
    "release. Give the setting a `default` and keep it optional until every tenant has a value.",
    '{ "required": ["api_key", "region"] }',
    '{ "required": ["api_key"], "properties": { "region": { "default": "us" } } }',
)
SETTING_TYPE_NARROWED = Rule(
    "BF802",
    "setting-type-narrowed",
    E,
    "A setting's `type` accepts fewer kinds of value than before.",
    "A stored value of a type the old schema allowed is rejected now. Keep the old type (add the "
    "new one beside it) and convert values in the connector's code.",
    '{ "port": { "type": "integer" } }  // was ["integer", "string"]',
    '{ "port": { "type": ["integer", "string"] } }',
)
ENUM_VALUE_REMOVED = Rule(
    "BF803",
    "enum-value-removed",
    E,
    "An `enum` lost a value (or an `enum` now restricts a setting that was free).",
    "Connections that stored the removed value fail validation. Keep the old value in the "
    "`enum` (mark it deprecated in the description) and map it in the connector's code.",
    '{ "region": { "enum": ["us", "eu"] } }  // was ["us", "eu", "ap"]',
    '{ "region": { "enum": ["us", "eu", "ap"] } }',
)
CONST_CHANGED = Rule(
    "BF804",
    "const-changed",
    E,
    "A setting's `const` changed (or a `const` was added).",
    "Every stored value equals the old constant, which the new schema rejects. Keep the old "
    "constant, or accept both with an `enum`.",
    '{ "version": { "const": 2 } }  // was 1',
    '{ "version": { "enum": [1, 2] } }',
)
PATTERN_CHANGED = Rule(
    "BF805",
    "pattern-changed",
    E,
    "A setting's `pattern` was added or changed so that a stored value no longer matches.",
    "The counter-example is a value the old schema accepted. Widen the new pattern to accept "
    "the old values too, or migrate the stored values before tightening it.",
    '{ "key": { "pattern": "^sk_live_" } }  // was "^sk_"',
    '{ "key": { "pattern": "^sk_" } }',
)
BOUND_TIGHTENED = Rule(
    "BF806",
    "bound-tightened",
    E,
    "A length, size or numeric bound was tightened (`minLength`, `maximum`, `minItems`, ...).",
    "Stored values between the old and the new bound are rejected now. Keep the old bound; "
    "enforce the new one in the form's help text or in the connector's code.",
    '{ "batch": { "type": "integer", "maximum": 100 } }  // was 1000',
    '{ "batch": { "type": "integer", "maximum": 1000 } }',
)
CHOICE_REMOVED = Rule(
    "BF807",
    "choice-removed",
    E,
    "A `oneOf`/`anyOf` choice that stored values used was removed.",
    "Connections configured with the removed choice fail validation. Keep the choice (mark it "
    "deprecated) until no tenant uses it.",
    '{ "auth": { "oneOf": [{ "$ref": "#/$defs/token" }] } }  // was token or password',
    '{ "auth": { "oneOf": [{ "$ref": "#/$defs/token" }, { "$ref": "#/$defs/password" }] } }',
)
ADDITIONAL_PROPERTIES_CLOSED = Rule(
    "BF808",
    "additional-properties-closed",
    E,
    "`additionalProperties: false` now rejects keys that stored settings hold.",
    "Keys the old schema allowed (a removed setting, or free-form keys) are rejected now. "
    "Keep accepting them, or keep the removed setting declared until every tenant is migrated.",
    '{ "additionalProperties": false }  // `legacy_id` was removed from properties',
    '{ "properties": { "legacy_id": { "type": "string", "deprecated": true } } }',
)
SETTING_REMOVED = Rule(
    "BF809",
    "setting-removed",
    W,
    "A setting was removed or renamed: its stored values are silently dropped.",
    "Stored values under the old name are no longer read. For a rename, keep the old name "
    "(deprecated) and read either in the connector's code until every tenant is migrated.",
    '{ "properties": { "apiToken": { "type": "string" } } }  // was api_token',
    '{ "properties": { "api_token": { "type": "string", "deprecated": true }, '
    '"apiToken": { "type": "string" } } }',
)
SECRET_NO_LONGER_SECRET = Rule(
    "BF810",
    "secret-no-longer-secret",
    E,
    "A secret setting is no longer secret: its stored value would be shown in the dashboard.",
    "Keep `writeOnly: true` (or `format: password`) on a setting that held a secret. To stop "
    "treating it as a secret, add a new setting and migrate.",
    '{ "api_key": { "type": "string" } }  // was writeOnly: true',
    '{ "api_key": { "type": "string", "writeOnly": true } }',
)
SETTING_NEWLY_SECRET = Rule(
    "BF811",
    "setting-newly-secret",
    W,
    "A setting became secret: values stored as plain text stay plain until re-entered.",
    "Existing connections hold the value unencrypted. Ask admins to re-enter it, or rotate it.",
    '{ "token": { "type": "string", "writeOnly": true } }  // was plain',
    '{ "token": { "type": "string", "writeOnly": true } }  // and a re-entry notice',
)
STORED_VALUE_REJECTED = Rule(
    "BF812",
    "stored-value-rejected",
    E,
    "Some settings the old schema accepted are rejected by the new one (found by search).",
    "A change no specific rule names (an `allOf`, `not`, `if`, a dependency, `multipleOf`, ...) "
    "rejects a stored value; the counter-example shows one. Loosen the new schema to accept it.",
    '{ "not": { "required": ["legacy"] } }',
    "{}",
)
CONNECTOR_RENAMED = Rule(
    "BF820",
    "connector-renamed",
    E,
    "The connector's `name` changed.",
    "The name is the `<name>` in every installation's platform path and webhook URL: every "
    "installed connection and every registered webhook breaks. Publish a new connector instead.",
    '{ "name": "stripe-v2" }  // was "stripe"',
    '{ "name": "stripe" }',
)
WEBHOOK_URL_CHANGED = Rule(
    "BF821",
    "webhook-url-changed",
    E,
    "`setup.webhookUrlTemplate` changed (or was removed).",
    "Webhooks registered at the provider keep posting to the old URL. Keep the old route "
    "working and add a new route instead of moving the webhook.",
    '"/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/v2"  // was .../webhooks/stripe',
    '"/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe"',
)
OAUTH_REMOVED = Rule(
    "BF822",
    "oauth-removed",
    E,
    "`connection.oauth` was removed.",
    "Every connection's stored token is abandoned and nothing replaces it. Keep OAuth until "
    "every tenant has moved to the new credentials.",
    '{ "connection": {} }  // had "oauth"',
    '{ "connection": { "oauth": { "type": "authorization_code" } } }',
)
CREDENTIAL_KEY_CHANGED = Rule(
    "BF823",
    "credential-key-changed",
    E,
    "`oauth.client.credentialKey` changed.",
    "Tokens were issued to the old OAuth client; refreshing them with another client's "
    "credentials fails. Keep the key, or re-consent every connection.",
    '{ "credentialKey": "stripe_oauth_v2" }  // was "stripe_oauth"',
    '{ "credentialKey": "stripe_oauth" }',
)
OAUTH_HOST_CHANGED = Rule(
    "BF824",
    "oauth-host-changed",
    E,
    "The host of the OAuth authorize or token URL changed.",
    "Stored refresh tokens belong to the old authorization server. Keep the host, or plan a "
    "re-consent of every connection.",
    '"https://login.example.com/oauth/token"  // was https://auth.example.com/...',
    '"https://auth.example.com/oauth/token"',
)
OAUTH_SCOPES_ADDED = Rule(
    "BF825",
    "oauth-scopes-added",
    W,
    "OAuth scopes were added: existing tokens lack them until each connection re-consents.",
    "Calls that need the new scopes fail for existing connections. Handle the missing-scope "
    "error and ask admins to reconnect.",
    '{ "scopes": ["read", "write"] }  // was ["read"]',
    '{ "scopes": ["read"] }',
)
ROUTE_REMOVED = Rule(
    "BF826",
    "route-removed",
    W,
    "A declared route (`testConnection`, `postConnect`) was removed or moved to another path.",
    "Callers outside the platform may use the route. Keep the old route beside the new one.",
    '{ "testConnection": { "route": "/setup/check", "method": "POST" } }  // was /setup/test',
    '{ "testConnection": { "route": "/setup/test", "method": "POST" } }',
)
ACKNOWLEDGED_BREAKING_CHANGE = Rule(
    "BF830",
    "acknowledged-breaking-change",
    W,
    "A breaking change acknowledged in `breaking-changes.yaml`.",
    "The change breaks installed connections and the team has said so on purpose. It is "
    "reported (with the reason) but does not fail `diff`. Remove the entry after the release.",
    "- { rule: BF820, path: /name, reason: renamed with the v2 launch }",
    "- { rule: BF820, path: /name, reason: renamed with the v2 launch }",
)
STALE_ACKNOWLEDGEMENT = Rule(
    "BF831",
    "stale-acknowledgement",
    W,
    "An entry of `breaking-changes.yaml` matches no breaking change.",
    "The change it acknowledged is gone (released, reverted or moved). Remove the entry so it "
    "cannot silently acknowledge a later break.",
    "- { rule: BF803, path: /connection/settingsSchema/properties/region, reason: ... }",
    "(the entry removed)",
)
INVALID_ACKNOWLEDGEMENTS = Rule(
    "BF832",
    "invalid-acknowledgements",
    E,
    "`breaking-changes.yaml` is not a list of `{rule, path, reason}` entries.",
    "Each entry names a rule code (`BF8xx`), a JSON pointer into the manifest (as shown in "
    "`diff --format json`'s message) and a non-empty reason.",
    "- BF820",
    "- { rule: BF820, path: /name, reason: renamed with the v2 launch }",
)

RULES = (
    SETTING_NOW_REQUIRED,
    SETTING_TYPE_NARROWED,
    ENUM_VALUE_REMOVED,
    CONST_CHANGED,
    PATTERN_CHANGED,
    BOUND_TIGHTENED,
    CHOICE_REMOVED,
    ADDITIONAL_PROPERTIES_CLOSED,
    SETTING_REMOVED,
    SECRET_NO_LONGER_SECRET,
    SETTING_NEWLY_SECRET,
    STORED_VALUE_REJECTED,
    CONNECTOR_RENAMED,
    WEBHOOK_URL_CHANGED,
    OAUTH_REMOVED,
    CREDENTIAL_KEY_CHANGED,
    OAUTH_HOST_CHANGED,
    OAUTH_SCOPES_ADDED,
    ROUTE_REMOVED,
    ACKNOWLEDGED_BREAKING_CHANGE,
    STALE_ACKNOWLEDGEMENT,
    INVALID_ACKNOWLEDGEMENTS,
)
