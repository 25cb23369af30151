"""Rules about route references: `testConnection` and `oauth.postConnect`.

Produced by checks/routes.py.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR

INVALID_ROUTE = Rule(
    "BF201",
    "invalid-route",
    E,
    "A route is not a route path (`/segment/segment`, lowercase `[a-z0-9_-]`).",
    "A route names a file under `src/api/`: `/setup/test_connection` is "
    "`src/api/setup/test_connection.ts`. It starts with `/`, has lowercase segments of "
    "`[a-z0-9_-]+`, no `.` or `..`, no trailing `/` and no query string.",
    '{ "route": "setup/Test-Connection/", "method": "POST" }',
    '{ "route": "/setup/test-connection", "method": "POST" }',
)

INVALID_METHOD = Rule(
    "BF202",
    "invalid-method",
    E,
    "A route's method is not GET, POST, PUT, PATCH or DELETE.",
    "Route files export one constant per HTTP method; these five are the ones the "
    "platform routes. Methods are uppercase.",
    '{ "route": "/setup/test_connection", "method": "post" }',
    '{ "route": "/setup/test_connection", "method": "POST" }',
)

ROUTE_NOT_POST = Rule(
    "BF203",
    "route-not-post",
    E,
    "`testConnection` or `oauth.postConnect` is declared with a method other than POST.",
    "The dashboard POSTs the settings form to `connection.testConnection.route` when the "
    'admin clicks "Test connection", and the platform calls `connection.oauth.postConnect` '
    "after the OAuth code exchange the same way. A route declared GET (or PUT, PATCH, "
    "DELETE) exports a handler that these calls never reach, and a GET cannot carry the "
    "settings form as its body.",
    '{ "route": "/setup/test_connection", "method": "GET" }',
    '{ "route": "/setup/test_connection", "method": "POST" }',
)

RULES = (
    INVALID_ROUTE,
    INVALID_METHOD,
    ROUTE_NOT_POST,
)
