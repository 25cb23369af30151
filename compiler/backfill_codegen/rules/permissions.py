"""Rules about `permissions.http`, the allowlist of outbound HTTP calls
(backfill_codegen/domain/urls.py).

Produced by checks/permissions.py.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR
W = Severity.WARNING

_GOOD = '{ "http": ["https://api.stripe.com/*"] }'

_MATCHING = (
    "A request is allowed when its scheme is `https`, its host and port (443 when absent) equal "
    "an entry's, and its path — percent-decoded once, with `.` and `..` segments removed — "
    "matches the entry's path, where `*` matches any run of characters, `/` included. The "
    "query and fragment are ignored. A request whose host is not ASCII, or whose path holds "
    "`%2E`, `%2F` or `%5C`, is refused: only what Node's URL parser reads the same way is "
    "allowed."
)

PERMISSION_NOT_HTTPS = Rule(
    "BF601",
    "permission-not-https",
    E,
    "A `permissions.http` entry is not an `https://` URL.",
    "The platform's HTTP client only makes `https` calls, and an entry is matched on its "
    "scheme first, so an `http://` entry (or one with no scheme) allows nothing. Write the "
    "entry as `https://host/path`. " + _MATCHING,
    '{ "http": ["http://api.stripe.com/*"] }',
    _GOOD,
)

PERMISSION_HOST_WILDCARD = Rule(
    "BF602",
    "permission-host-wildcard",
    E,
    "A `permissions.http` entry has `*` in its host.",
    "Wildcards are allowed in the path only: a host wildcard would let the connector reach "
    "hosts nobody reviewed (any customer's subdomain, say). List each host the connector "
    "calls as an entry of its own.",
    '{ "http": ["https://*.stripe.com/*"] }',
    '{ "http": ["https://api.stripe.com/*", "https://files.stripe.com/*"] }',
)

PERMISSION_USERINFO = Rule(
    "BF603",
    "permission-userinfo",
    E,
    "A `permissions.http` entry has a user name or password (`user:pass@`).",
    "Credentials do not belong in the allowlist: it is published in generated code and "
    "docs, and a request is matched on host, port and path only. Send credentials with "
    "`auth` (bearer, basic or oauth) on the request, and drop the `user@` part.",
    '{ "http": ["https://sk_live_123@api.stripe.com/*"] }',
    _GOOD,
)

PERMISSION_QUERY_OR_FRAGMENT = Rule(
    "BF604",
    "permission-query-or-fragment",
    E,
    "A `permissions.http` entry has a query (`?…`) or a fragment (`#…`).",
    "Requests are matched on scheme, host, port and path; the query and fragment are "
    "ignored, so a query in an entry would look like a restriction that is never applied. "
    "Remove it.",
    '{ "http": ["https://api.stripe.com/v1/charges?limit=10"] }',
    '{ "http": ["https://api.stripe.com/v1/charges"] }',
)

PERMISSION_INVALID_HOST = Rule(
    "BF605",
    "permission-invalid-host",
    E,
    "A `permissions.http` entry has an empty or malformed host or port.",
    "The host must be a domain name (internationalized names are IDNA-encoded: "
    "`bücher.example` is `xn--bcher-kva.example`, see BF611), a dotted-quad IPv4 address or "
    "a bracketed IPv6 address, without spaces, `%`, empty labels or a trailing dot; an "
    "`xn--` label must be canonical punycode. A port, when given, is a number from 1 to "
    "65535; without one the port is 443.",
    '{ "http": ["https://api..stripe.com:70000/*"] }',
    _GOOD,
)

DUPLICATE_PERMISSION = Rule(
    "BF606",
    "duplicate-permission",
    E,
    "Two `permissions.http` entries are the same after normalization.",
    "Hosts are compared case-insensitively and IDNA-encoded, and a missing port is 443, so "
    "`https://API.stripe.com/*` and `https://api.stripe.com:443/*` are one entry. Keep one.",
    '{ "http": ["https://api.stripe.com/*", "https://API.stripe.com:443/*"] }',
    _GOOD,
)

PERMISSION_NO_PATH = Rule(
    "BF607",
    "permission-no-path",
    W,
    "A `permissions.http` entry has no path, or only `/`.",
    "An entry's path is a pattern matched against the whole request path, and an entry with "
    "no path means the path `/`: it allows the host's root and nothing else, which is "
    "rarely what was meant. Add `/*` to allow every path on the host, or a narrower "
    "pattern such as `/v1/*`.",
    '{ "http": ["https://api.stripe.com"] }',
    _GOOD,
)

PERMISSION_LOCAL_ADDRESS = Rule(
    "BF608",
    "permission-local-address",
    W,
    "A `permissions.http` entry names an IP address, `localhost` or a private address.",
    "A connector runs on the platform, where `localhost`, loopback, link-local and private "
    "addresses reach the platform's own network rather than the provider; allowing them is "
    "usually a leftover from local testing and can expose internal services. A public IP "
    "address can change owner; allow the provider's host name instead.",
    '{ "http": ["https://localhost:8443/*"] }',
    _GOOD,
)

PERMISSION_COVERED = Rule(
    "BF609",
    "permission-covered",
    W,
    "A `permissions.http` entry allows nothing that another entry does not already allow.",
    "Every request the entry allows is also allowed by a broader entry on the same host and "
    "port (`https://api.stripe.com/*` covers `https://api.stripe.com/v1/*`), so the entry "
    "has no effect. Remove it, or narrow the broader entry if that is what was meant.",
    '{ "http": ["https://api.stripe.com/*", "https://api.stripe.com/v1/*"] }',
    _GOOD,
)

PERMISSION_INVALID_PATH = Rule(
    "BF610",
    "permission-invalid-path",
    E,
    "The path of a `permissions.http` entry is malformed.",
    "The path pattern is percent-decoded once, like request paths, so a `%` must start a "
    "`%XX` escape and the result must be UTF-8; `%2A` is refused because a pattern cannot "
    "hold a literal `*`, and `%2E`, `%2F` and `%5C` because requests carrying an encoded "
    "`.`, `/` or `\\` are refused. Whitespace, control characters and `\\` are not "
    "allowed, and neither are `.` or `..` segments: request paths are matched with those "
    "removed, so such a pattern would not mean what it says. " + _MATCHING,
    '{ "http": ["https://api.stripe.com/v1/../files/*"] }',
    '{ "http": ["https://api.stripe.com/files/*"] }',
)

PERMISSION_NON_ASCII_HOST = Rule(
    "BF611",
    "permission-non-ascii-host",
    W,
    "The host of a `permissions.http` entry is not ASCII.",
    "Request hosts must be ASCII: the generated matchers refuse any other, because IDNA "
    "tables differ between implementations (a Unicode host can reach another server under "
    "Node's URL parser than under the matcher's). A Unicode entry host is converted at "
    "compile time with UTS-46 (the pinned `idna` package) to its A-labels, which "
    "`permissions.json` and the matchers hold; calls must use that spelling. Write the "
    "entry with the A-labels the message gives, so the manifest says what is allowed. A "
    "warning, not an error: the entry still means exactly one host.",
    '{ "http": ["https://bücher.example/*"] }',
    '{ "http": ["https://xn--bcher-kva.example/*"] }',
)

PERMISSION_AMBIGUOUS_IDN_HOST = Rule(
    "BF612",
    "permission-ambiguous-idn-host",
    E,
    "The host of a `permissions.http` entry has a character IDNA implementations disagree on.",
    "UTS-46's deviation characters (`ß`, `ς`, and the joiners ZWJ and ZWNJ), and what maps "
    "to them (`ẞ`), are kept by current UTS-46 but mapped away by IDNA 2003, transitional "
    "processing and some URL parsers: `faß.de` is `xn--fa-hia.de` to one and `fass.de` to "
    "another, two different servers. The compiler cannot know which one the connector "
    "calls, so the entry is refused; write the host you mean in ASCII.",
    '{ "http": ["https://faß.de/*"] }',
    '{ "http": ["https://xn--fa-hia.de/*"] }',
)

RULES = (
    PERMISSION_NOT_HTTPS,
    PERMISSION_HOST_WILDCARD,
    PERMISSION_USERINFO,
    PERMISSION_QUERY_OR_FRAGMENT,
    PERMISSION_INVALID_HOST,
    DUPLICATE_PERMISSION,
    PERMISSION_NO_PATH,
    PERMISSION_LOCAL_ADDRESS,
    PERMISSION_COVERED,
    PERMISSION_INVALID_PATH,
    PERMISSION_NON_ASCII_HOST,
    PERMISSION_AMBIGUOUS_IDN_HOST,
)
