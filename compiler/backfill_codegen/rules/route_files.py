"""Rules about the route files under `src/api/` (connector-directory mode,
backfill_codegen/route_files/).

They run when a `src/api/` folder sits beside the manifest, and are located in the `.ts` files
(or at the manifest value a file contradicts). Produced by backfill_codegen/route_files/ only.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

_ROUTE = (
    "// backfill.config.ts\n"
    'connection: { testConnection: { route: "/setup/test_connection", method: "POST" } }\n'
)

MISSING_ROUTE_FILE = Rule(
    "BF701",
    "missing-route-file",
    E,
    "A route the manifest declares has no file under `src/api/`.",
    "`testConnection.route`, `oauth.postConnect.route` and the webhook route inside "
    "`setup.webhookUrlTemplate` each name a file: route `/setup/test_connection` is "
    "`src/api/setup/test_connection.ts`. Without it the platform answers 404 when the "
    "dashboard tests the connection or a provider delivers a webhook. Create the file "
    "(`backfill-codegen generate` scaffolds it) or fix the route.",
    _ROUTE + "// src/api/setup/testConnection.ts exists, test_connection.ts not",
    _ROUTE + "// src/api/setup/test_connection.ts exports POST",
    fix="rename the route to the route file of one close match",
)

MISSING_ROUTE_METHOD = Rule(
    "BF702",
    "missing-route-method",
    E,
    "A route file does not export the method the manifest declares.",
    "The platform calls the export named after the declared method, in capitals: "
    "`export const POST = api(...)` or `export async function POST(...)`. A route declared "
    "with method `POST` whose file exports `Post`, `POTS` or only `GET` fails at run time. "
    "The webhook route is called with `POST`.",
    "// src/api/setup/test_connection.ts\nexport const Post = api(async (request) => { ... });",
    "// src/api/setup/test_connection.ts\nexport const POST = api(async (request) => { ... });",
)

ROUTE_CONFIG_NOT_STATIC = Rule(
    "BF703",
    "route-config-not-static",
    E,
    "A route file's `export const config` uses a value known only by running code.",
    "A route's `config` is read without running the file, like the manifest: literals, "
    "template literals, `+` on strings, top-level `const`s and spreads of those. A call, "
    "`process.env`, an import or a `let` would need the code to run. Write the value out.",
    "export const config = { auth: process.env.AUTH };",
    'export const config = { auth: "api_key" };',
)

ROUTE_CONFIG_AUTH = Rule(
    "BF704",
    "route-config-auth",
    E,
    "A route file's `config` is not an object whose `auth` is a string.",
    "`config.auth` names how the platform authenticates calls to the route "
    '(`auth: "api_key"`, `auth: "none"`): a string. An object, a boolean or a missing `auth` '
    "leaves the route's authentication undefined.",
    "export const config = { auth: { bearer: true } };",
    'export const config = { auth: "api_key" };',
)

BLOCKED_HTTP_CALL = Rule(
    "BF705",
    "blocked-http-call",
    E,
    "An `Http` call's URL is not allowed by `permissions.http`: it throws at run time.",
    "Every outbound call must match an entry of `permissions.http`, or the platform blocks "
    "it. The URL is judged when it is a string literal, a template literal or a `+` "
    "concatenation whose literal start reaches past the host (`https://api.x.com/v1/${id}` "
    "is known up to `/v1/`); such a start is allowed when one entry allows every URL "
    'beginning with it (`"https://api.x.com/v2/" + path` with `https://api.x.com/v2/*`), '
    "blocked when no entry allows any, and reported as *may be blocked* when an entry allows "
    'only some: the message names the entry and what the unknown rest must do (`"…/v2" + '
    "path`: start with `/`). A URL whose host is not known is not judged. Matching is the "
    "allowlist's: https, host, port, and the path decoded once with dot segments removed (a "
    "`..` in the unknown rest is judged at run time). Add the entry the help names, or fix "
    "the URL.",
    '// permissions: { http: ["https://api.stripe.com/*"] }\n'
    'Http.get("https://files.stripe.com/v1/files");',
    '// permissions: { http: ["https://api.stripe.com/*", "https://files.stripe.com/*"] }\n'
    'Http.get("https://files.stripe.com/v1/files");',
    fix="add the call's static prefix to `permissions.http`",
)

OAUTH_NOT_DECLARED = Rule(
    "BF706",
    "oauth-not-declared",
    E,
    "Route code uses the OAuth token, but the manifest has no `connection.oauth`.",
    "`auth: { oauth: ... }` and `OAuth.accessToken()` use the token the platform keeps for "
    "a connector that declares `connection.oauth`; without it there is none and the call "
    "fails at run time. Declare `connection.oauth`, or authenticate with `bearer`/`basic`.",
    'Http.get("https://api.x.com/v1/me", { auth: { oauth: true } });   // no connection.oauth',
    'Http.get("https://api.x.com/v1/me", { auth: { bearer: apiKey } });',
)

UNUSED_PERMISSION = Rule(
    "BF707",
    "unused-permission",
    W,
    "No `Http` call in `src/api/` reaches this `permissions.http` entry.",
    "An entry no call needs widens what the connector may reach for nothing. Reported only "
    "when every `Http` call's URL in every route file is known statically (one dynamic URL, "
    "an unreadable file or an import from outside `src/api/` turns the rule off), since an "
    "unknown URL might be the one that needs the entry.",
    '// permissions: { http: ["https://api.stripe.com/*", "https://old.stripe.com/*"] }\n'
    'Http.get("https://api.stripe.com/v1/balance");',
    '// permissions: { http: ["https://api.stripe.com/*"] }\n'
    'Http.get("https://api.stripe.com/v1/balance");',
)

ROUTE_FILE_SYNTAX_ERROR = Rule(
    "BF708",
    "route-file-syntax-error",
    E,
    "A route file is not valid TypeScript.",
    "The file could not be parsed (tree-sitter's TypeScript grammar); the caret points "
    "where the parser gave up. Nothing inside it is checked until it parses, but the other "
    "route files and the manifest still are.",
    "export const POST = api(async (request) => {",
    "export const POST = api(async (request) => { ... });",
)

ROUTE_FILE_UNREADABLE = Rule(
    "BF709",
    "route-file-unreadable",
    E,
    "A route file is not UTF-8 text, is larger than the limit, or cannot be read.",
    "Route files are read as UTF-8 (a byte-order mark is ignored), at most 16 MiB each and "
    "5,000 per connector. A file that is not UTF-8, holds a NUL byte or is over a limit is "
    "reported and its contents are not checked.",
    "// src/api/setup/test_connection.ts saved as Latin-1",
    "// src/api/setup/test_connection.ts saved as UTF-8",
)

ROUTE_SYMLINK_OUTSIDE = Rule(
    "BF710",
    "route-symlink-outside",
    W,
    "A symlink under `src/api/` points outside the connector directory; it is not followed.",
    "The checks read only the connector's own directory, so code behind such a link is not "
    "checked, and the link may not exist where the connector is deployed. Copy the file in.",
    "src/api/shared.ts -> ../../../other-connector/src/api/shared.ts",
    "src/api/shared.ts   (a regular file)",
)

ROUTE_FILE_NAME = Rule(
    "BF711",
    "route-file-name",
    W,
    "A file under `src/api/` is not at a route path, so no route can name it.",
    "A route path is lowercase segments of `[a-z0-9_-]`; a file such as "
    "`src/api/Setup/TestConnection.ts` can never be declared in the manifest and is left out "
    "of the generated documentation. Rename it. (Files like `x.test.ts` or `x.d.ts` are not "
    "route files and are not read.)",
    "src/api/Setup/TestConnection.ts",
    "src/api/setup/test_connection.ts",
)

RULES = (
    MISSING_ROUTE_FILE,
    MISSING_ROUTE_METHOD,
    ROUTE_CONFIG_NOT_STATIC,
    ROUTE_CONFIG_AUTH,
    BLOCKED_HTTP_CALL,
    OAUTH_NOT_DECLARED,
    UNUSED_PERMISSION,
    ROUTE_FILE_SYNTAX_ERROR,
    ROUTE_FILE_UNREADABLE,
    ROUTE_SYMLINK_OUTSIDE,
    ROUTE_FILE_NAME,
)
