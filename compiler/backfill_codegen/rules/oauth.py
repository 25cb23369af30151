"""Rules about `connection.oauth`: the OAuth 2.0 authorization-code flow the host runs.

Produced by checks/oauth.py.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

_SHOP_SETTINGS = (
    '"settingsSchema": { "type": "object", "required": ["shop"], "properties": '
    '{ "shop": { "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$" } } }'
)

UNSUPPORTED_OAUTH_TYPE = Rule(
    "BF501",
    "unsupported-oauth-type",
    E,
    "`oauth.type` is not `authorization_code`.",
    "The platform runs the OAuth 2.0 authorization-code flow only (redirect, callback, "
    "token exchange, refresh). Other grants are not supported.",
    '{ "type": "client_credentials" }',
    '{ "type": "authorization_code" }',
)

INVALID_OAUTH_URL = Rule(
    "BF502",
    "invalid-oauth-url",
    E,
    "An OAuth URL template is not an `https://` URL with a host, or has a malformed token.",
    "`authorizationUrlTemplate` and `tokenUrlTemplate` are absolute `https://` URLs with a "
    "host, without userinfo (`user@`) or a fragment (`#...`). A setting is written "
    "`<name>`; `${connectionConfig.name}`, `{name}`, an empty `<>` or an unmatched `<` or "
    "`>` is an error. A setting cannot supply the scheme.",
    '"https://${connectionConfig.shop}.myshopify.com/admin/oauth/authorize"',
    '"https://<shop>.myshopify.com/admin/oauth/authorize"',
)

UNKNOWN_OAUTH_SETTING = Rule(
    "BF503",
    "unknown-oauth-setting",
    E,
    "A `<setting>` token in an OAuth URL names no property of `settingsSchema`.",
    "The host fills each `<name>` token from the connection's settings before redirecting. "
    "A name the settings schema does not define would stay unfilled. Add the property to "
    "`settingsSchema` (as a required string) or fix the name.",
    '"https://<shop>.myshopify.com/admin/oauth/authorize"  // no `shop` in settingsSchema',
    '"https://<shop>.myshopify.com/admin/oauth/authorize"  // with ' + _SHOP_SETTINGS,
)

OAUTH_SETTING_NOT_REQUIRED_STRING = Rule(
    "BF504",
    "oauth-setting-not-required-string",
    E,
    "A `<setting>` token names a property that is not a required string.",
    "The token is substituted into a URL before the OAuth redirect, so its setting must "
    "always be present (listed in the root `required`) and be `type: string`.",
    '"properties": { "shop": { "type": "string" } }  // not required',
    _SHOP_SETTINGS,
)

UNCONSTRAINED_DYNAMIC_HOST = Rule(
    "BF505",
    "unconstrained-dynamic-host",
    E,
    "A `<setting>` token in a URL's host is not constrained to a safe value.",
    "A token in the host is a dynamic host: the token exchange sends the OAuth client "
    "secret to whatever host the admin's value makes. The setting must be pinned by an "
    "`enum`, or by an anchored `pattern` (every alternative `^...$`) whose matches hold "
    "only ASCII letters, digits, `-`, `.` and `_` (only digits for a token in the port): "
    "`evil.example/x` or `evil.example#` would otherwise move the host. The compiler "
    "decides this on the pattern itself (ECMA-262, `u` flag): it computes every character "
    "a match can contain, optional parts included. A pattern with a backreference or a "
    "Unicode property escape (`\\p{...}`) is not analysed, so it does not pin a host.",
    '"shop": { "type": "string", "pattern": "[a-z0-9-]+" }',
    '"shop": { "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$" }',
)

HOSTNAME_ONLY_DYNAMIC_HOST = Rule(
    "BF506",
    "hostname-only-dynamic-host",
    W,
    "A dynamic-host setting is constrained only by `format: hostname`.",
    "A fully admin-chosen host is what self-hosted products need, and it is allowed; the "
    "platform's connect-time host validation is then the only guard between the OAuth "
    "client secret and an arbitrary host. Prefer an `enum` or an anchored `pattern` when "
    "the provider's hosts are known.",
    '"base_host": { "type": "string", "format": "hostname" }',
    '"base_host": { "type": "string", "pattern": "^[a-z0-9-]+\\\\.example\\\\.com$" }',
)

DYNAMIC_DOMAIN = Rule(
    "BF511",
    "dynamic-domain",
    W,
    "A `<setting>` token picks the OAuth URL's whole domain.",
    "A token that is the whole host (`https://<host>/oauth`), or that no fixed domain of "
    "two labels or more follows (`https://api.<domain>/`, `https://<name>.com/`), lets the "
    "admin send the OAuth client secret to any host its pattern allows, even when the "
    "pattern admits only host characters. That is what self-hosted products need, and it "
    "is allowed; the platform's connect-time host validation is then the only guard. Put "
    "the provider's fixed domain in the URL, or pin the setting with an `enum`.",
    '"authorizationUrlTemplate": "https://<host>/oauth/authorize"',
    '"authorizationUrlTemplate": "https://<shop>.myshopify.com/admin/oauth/authorize"',
)

INVALID_SCOPE = Rule(
    "BF507",
    "invalid-scope",
    E,
    "An OAuth scope is empty, contains whitespace, or is listed twice.",
    "Scopes are joined with spaces in the authorization request, so a scope with a space "
    "inside is really two scopes: list them separately. Empty and duplicate scopes are "
    "mistakes.",
    '"scopes": ["read_orders write_orders", "read_orders"]',
    '"scopes": ["read_orders", "write_orders"]',
)

NO_SCOPES = Rule(
    "BF508",
    "no-scopes",
    W,
    "`oauth.scopes` is empty.",
    "Some providers grant a default scope when none is requested, so this is legal; most "
    "connectors need to request the scopes they use.",
    '"scopes": []',
    '"scopes": ["read_orders"]',
)

INVALID_CREDENTIAL_KEY = Rule(
    "BF509",
    "invalid-credential-key",
    E,
    "`oauth.client.credentialKey` is not an identifier `^[a-z][a-z0-9_]*$`.",
    "The credential key names the platform credential holding the OAuth client id and "
    "secret; it is a lowercase identifier.",
    '"client": { "credentialKey": "Shopify-App" }',
    '"client": { "credentialKey": "shopify_app" }',
)

PASTED_OAUTH_TOKEN = Rule(
    "BF510",
    "pasted-oauth-token",
    E,
    "With `oauth` present, a setting looks like a pasted OAuth token.",
    "The platform runs the OAuth flow and stores, refreshes and revokes tokens itself; "
    "routes read them with `OAuth.accessToken()`. A settings field such as `access_token` "
    "asks the admin to paste a token that will expire and that the platform cannot "
    "refresh. Remove it. A local dogfood manifest may keep it with `--ignore BF510`.",
    '"properties": { "access_token": { "type": "string", "writeOnly": true } }',
    '"properties": { "shop": { "type": "string" } }',
)

RULES = (
    UNSUPPORTED_OAUTH_TYPE,
    INVALID_OAUTH_URL,
    UNKNOWN_OAUTH_SETTING,
    OAUTH_SETTING_NOT_REQUIRED_STRING,
    UNCONSTRAINED_DYNAMIC_HOST,
    HOSTNAME_ONLY_DYNAMIC_HOST,
    DYNAMIC_DOMAIN,
    INVALID_SCOPE,
    NO_SCOPES,
    INVALID_CREDENTIAL_KEY,
    PASTED_OAUTH_TOKEN,
)
