"""`connection.oauth` (BF501-BF510): the grant type, the URL templates and the settings they
use, dynamic hosts, scopes, the client credential key, and pasted tokens in the settings.

The URL checks read the settings schema too, and must work when it is itself invalid (BF401):
they use `backfill_codegen.domain.settings_schema`, which resolves what it can and never raises.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer, Rule
from backfill_codegen.domain import ecma, ecma_syntax
from backfill_codegen.domain.schema_values import schema_map
from backfill_codegen.domain.settings_schema import (
    SETTINGS_PATH,
    Property,
    as_read,
    is_string_type,
    root_properties,
    root_required,
    types_of,
    views,
    walk,
)
from backfill_codegen.rules.oauth import (
    DYNAMIC_DOMAIN,
    HOSTNAME_ONLY_DYNAMIC_HOST,
    INVALID_CREDENTIAL_KEY,
    INVALID_OAUTH_URL,
    INVALID_SCOPE,
    NO_SCOPES,
    OAUTH_SETTING_NOT_REQUIRED_STRING,
    PASTED_OAUTH_TOKEN,
    UNCONSTRAINED_DYNAMIC_HOST,
    UNKNOWN_OAUTH_SETTING,
    UNSUPPORTED_OAUTH_TYPE,
)
from backfill_codegen.rules.settings import INVALID_PATTERN

OAUTH: JsonPath = ("connection", "oauth")
GRANT_TYPE = "authorization_code"
_CREDENTIAL_KEY = re.compile(r"[a-z][a-z0-9_]*")

#: What a dynamic-host setting may contain in the host: ASCII letters, digits, `-`, `.` and
#: `_`. `_` is no host delimiter for the WHATWG URL parser (browsers and Node accept it in a
#: host), so `\\w` patterns pass; `%` (percent-decoded in hosts), non-ASCII (IDNA maps some
#: characters to delimiters) and every URL delimiter are out.
HOST_CHARACTERS: ecma_syntax.Ranges = ecma_syntax.characters(
    "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
# Token places (backfill_codegen/domain/oauth_template.py, imported only for OAuth).
_PATH, _HOST, _PORT = "path", "host", "port"
#: What a setting may contain in the port.
PORT_CHARACTERS: ecma_syntax.Ranges = ecma_syntax.DIGITS
#: The characters named first when a pattern allows too much: the ones that move the host.
_NAMED_FIRST = "/\\#?@:% \t\r\n[]"


def _at(path: JsonPath, part: str = "value", message: str = "") -> Pointer:
    return Pointer(path, part, message)  # type: ignore[arg-type]


def _setting_at(path: JsonPath, part: str = "key", message: str = "") -> Pointer:
    return Pointer((*SETTINGS_PATH, *path), part, message)  # type: ignore[arg-type]


# --- BF501: grant type. -----------------------------------------------------------------------


def check_type(manifest: Manifest) -> Iterator[Finding]:
    value = get_path(manifest, (*OAUTH, "type"))
    if isinstance(value, str) and value != GRANT_TYPE:
        yield Finding(
            UNSUPPORTED_OAUTH_TYPE,
            f"OAuth type `{value}` is not supported: the platform runs `{GRANT_TYPE}` only",
            _at((*OAUTH, "type")),
            help=f'use `"type": "{GRANT_TYPE}"`',
        )


# --- BF502-BF506: URL templates and the settings they use. -----------------------------------


@dataclass(frozen=True)
class _Settings:
    schema: Mapping[str, Any] | None
    properties: dict[str, Property]
    required: set[str]
    raw: Mapping[str, Any] | None = None  # as written, before `as_read`


def _settings_as_read(manifest: Manifest) -> Mapping[str, Any] | None:
    """The settings schema as its dialect reads it (`as_read`: no `$ref` siblings up to
    draft-07, no keyword of a later dialect), the one way every check here sees what a setting
    accepts: a `pattern` or `const` the validator ignores pins nothing. Paths are unchanged."""
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return None
    read = as_read(schema)
    return read if isinstance(read, Mapping) else None


def _read_settings(manifest: Manifest) -> _Settings:
    schema = _settings_as_read(manifest)
    if schema is None:
        return _Settings(None, {}, set())
    raw = get_path(manifest, SETTINGS_PATH)
    return _Settings(schema, root_properties(schema), root_required(schema), raw)


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _suggest(name: str, candidates: list[str]) -> str | None:
    by_shape = [c for c in candidates if _normalised(c) == _normalised(name)]
    if by_shape:
        return by_shape[0]
    close = difflib.get_close_matches(name, candidates, n=1)
    return close[0] if close else None


@dataclass(frozen=True)
class _Verdict:
    rule: Rule | None  # None: the host is constrained
    reason: str
    at: JsonPath | None  # the constraint the verdict is about (a pattern), if any


def _shown(code: int) -> str:
    char = chr(code)
    if char.isprintable() and not char.isspace() and char != "`":
        return f"`{char}`"
    name = unicodedata.name(char, "").lower()
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def _outside(ranges: ecma_syntax.Ranges, allowed: ecma_syntax.Ranges) -> str:
    """A few characters of `ranges` that `allowed` lacks, the host-moving ones first."""
    extra = ecma_syntax.subtract(ranges, allowed)
    named = [ord(c) for c in _NAMED_FIRST if ecma_syntax.contains(extra, ord(c))]
    named = list(dict.fromkeys(named))
    for low, high in extra:
        named.extend(code for code in range(low, min(high, low + 2) + 1) if code not in named)
        if len(named) >= 3:
            break
    return ", ".join(_shown(code) for code in named[:3])


def _alphabet_verdict(
    patterns: list[tuple[JsonPath, str]], place: str
) -> tuple[str | None, JsonPath]:
    """Why the patterns (which a value must all match) let a value out of its place in the URL,
    or None when every character they can match belongs there. Decided on the patterns' parse
    (backfill_codegen/domain/ecma_syntax.py): nothing is run, so no pattern can take time."""
    port = place == _PORT
    allowed = PORT_CHARACTERS if port else HOST_CHARACTERS
    possible = ecma_syntax.ANY
    for _, pattern in patterns:
        possible = ecma_syntax.subtract(
            possible, ecma_syntax.complement(ecma_syntax.alphabet(pattern))
        )
    at = patterns[0][0]
    extra = ecma_syntax.subtract(possible, allowed)
    if not extra:
        return None, at
    part = "port" if port else "host"
    for path, pattern in patterns:
        if (why := ecma_syntax.unreadable(pattern)) is not None:
            return f"its pattern cannot be shown to keep the value in the {part}: {why}", path
    if not any(ecma.is_anchored(pattern) for _, pattern in patterns):
        return "its pattern is not anchored with `^...$`, so any text may surround a match", at
    for path, pattern in patterns:
        if ecma.is_anchored(pattern):
            at = path
            if (why := ecma_syntax.unanalysed(pattern)) is not None:
                return f"its pattern cannot be shown to keep the value in the {part}: {why}", at
            break
    where = "a port holds digits only" if port else "allowed: ASCII letters, digits, `-`, `.`, `_`"
    return (
        f"its pattern lets the value contain {_outside(extra, allowed)} ({where}), which "
        + ("moves the port" if port else "moves the host"),
        at,
    )


def _host_verdict(settings: _Settings, prop: Property, place: str) -> _Verdict:
    assert settings.schema is not None
    described = views(settings.schema, prop.schema, prop.path)
    schemas = [schema for _, schema in described]
    if any("enum" in schema or "const" in schema for schema in schemas):
        return _Verdict(None, "pinned by an enum", None)
    patterns = [
        ((*path, "pattern"), schema["pattern"])
        for path, schema in described
        if isinstance(schema.get("pattern"), str)
    ]
    valid = [(path, p) for path, p in patterns if ecma.compile_error(p) is None]
    if patterns and not valid:
        return _Verdict(None, f"its pattern is invalid ({INVALID_PATTERN.code})", None)
    if valid:
        reason, at = _alphabet_verdict(valid, place)
        if reason is not None:
            return _Verdict(UNCONSTRAINED_DYNAMIC_HOST, reason, at)
        if place == _HOST:
            return _Verdict(DYNAMIC_DOMAIN, "no fixed domain follows it", at)
        return _Verdict(None, "pinned by an anchored pattern", at)
    formats = {schema.get("format") for schema in schemas if isinstance(schema.get("format"), str)}
    if place != _PORT and formats & {"hostname", "idn-hostname"}:
        return _Verdict(HOSTNAME_ONLY_DYNAMIC_HOST, "only `format: hostname` constrains it", None)
    return _Verdict(
        UNCONSTRAINED_DYNAMIC_HOST, "it has no `enum` or `pattern`" + _ignored(settings, prop), None
    )


def _ignored(settings: _Settings, prop: Property) -> str:
    """Say so when the schema as written pins the setting with keywords its dialect ignores."""
    if settings.raw is None or settings.raw is settings.schema:
        return ""
    written = get_path(settings.raw, prop.path)
    keys = {
        key
        for _, schema in views(settings.raw, written, prop.path)
        for key in ("enum", "const", "pattern")
        if key in schema
    }
    if not keys:
        return ""
    names = ", ".join(f"`{key}`" for key in sorted(keys))
    return (
        f" its dialect reads ({names} as written is ignored: beside `$ref` up to draft-07, or "
        "not a keyword of the declared draft)"
    )


def _template(manifest: Manifest, field: str) -> Any:
    text = get_path(manifest, (*OAUTH, field))
    if not isinstance(text, str):
        return None
    # Imported here: its host regex alone takes milliseconds to compile, and most connectors
    # have no OAuth.
    from backfill_codegen.domain.oauth_template import parse_template

    return parse_template(text)


def _check_url_syntax(manifest: Manifest, field: str) -> Iterator[Finding]:
    template = _template(manifest, field)
    if template is None:
        return
    for problem in template.problems:
        where = Pointer((*OAUTH, field), "value", within=problem.span)
        yield Finding(INVALID_OAUTH_URL, f"`{field}`: {problem.message}", where, help=problem.help)


def _check_url_settings(manifest: Manifest, field: str) -> Iterator[Finding]:
    template = _template(manifest, field)
    if template is None:
        return
    settings = _read_settings(manifest)
    done: set[str] = set()
    for token in template.tokens:
        if token.name in done:
            continue
        done.add(token.name)
        where = Pointer((*OAUTH, field), "value", within=(token.start, token.end))
        yield from _check_token(settings, field, token.name, token.place, where)


def _check_token(
    settings: _Settings, field: str, name: str, place: str, at: Pointer
) -> Iterator[Finding]:
    if settings.schema is None:
        yield Finding(
            UNKNOWN_OAUTH_SETTING,
            f"`{field}` uses `<{name}>`, but the manifest has no `settingsSchema`",
            at,
            help=f"declare `{name}` as a required string property of `connection.settingsSchema`",
        )
        return
    prop = settings.properties.get(name)
    if prop is None:
        suggestion = _suggest(name, sorted(settings.properties))
        yield Finding(
            UNKNOWN_OAUTH_SETTING,
            f"`{field}` uses `<{name}>`, which is not a property of `settingsSchema`",
            at,
            help=f"did you mean `<{suggestion}>`?"
            if suggestion
            else f"add a required string property `{name}` to `settingsSchema`",
        )
        return
    defined = _setting_at(prop.path, "key", f"`{name}` is defined here")
    problems = []
    if name not in settings.required:
        problems.append("not required")
    if not any(is_string_type(t) for t in types_of(settings.schema, prop.schema, prop.path)):
        problems.append("not `type: string`")
    if problems:
        yield Finding(
            OAUTH_SETTING_NOT_REQUIRED_STRING,
            f"`{field}` uses `<{name}>`, but setting `{name}` is {' and '.join(problems)}",
            at,
            related=(defined,),
            help=f'give `{name}` `"type": "string"` and list it in the root `required`',
        )
    if place == _PATH:
        return
    verdict = _host_verdict(settings, prop, place)
    if verdict.rule is None:
        return
    related = (defined,)
    if verdict.at is not None:
        related = (_setting_at(verdict.at, "value", "this pattern"), defined)
    if verdict.rule is DYNAMIC_DOMAIN:
        yield Finding(
            DYNAMIC_DOMAIN,
            f"`{field}` has `<{name}>` as its whole domain: any host the pattern allows "
            "receives the OAuth client secret",
            at,
            related=related,
            help="put the provider's fixed domain in the URL (`https://<shop>.example.com/`), "
            "or pin the setting with an `enum`; a self-hosted product may keep this (the "
            "platform's connect-time host validation is then the only guard)",
        )
        return
    if verdict.rule is HOSTNAME_ONLY_DYNAMIC_HOST:
        yield Finding(
            HOSTNAME_ONLY_DYNAMIC_HOST,
            f"`{field}` has `<{name}>` in its host, and {verdict.reason}",
            at,
            related=related,
            help="the platform's connect-time host validation is the only guard; prefer an "
            "`enum`, or an anchored `pattern` that pins the provider's domain",
        )
        return
    part = "port" if place == _PORT else "host"
    yield Finding(
        UNCONSTRAINED_DYNAMIC_HOST,
        f"`{field}` has `<{name}>` in its {part}, and {verdict.reason}",
        at,
        related=related,
        help="pin the setting with an `enum`, or an anchored `pattern` (`^...$`) whose every "
        + (
            "character is a digit, e.g. `^[0-9]{1,5}$`"
            if place == _PORT
            else "character is an ASCII letter, digit, `-`, `.` or `_`, e.g. `^[a-z0-9][a-z0-9-]*$`"
        ),
    )


def _url_checks(field: str) -> tuple[Check, Check]:
    """Two checks per URL template, so a broken settings schema (a structural error there)
    does not hide the URL's own syntax problems."""
    url: JsonPath = (*OAUTH, field)
    name = "oauth-" + re.sub(r"([A-Z])", r"-\1", field.removesuffix("Template")).lower()
    return (
        Check(
            name,
            (url,),
            lambda manifest: _check_url_syntax(manifest, field),
            emits=(INVALID_OAUTH_URL,),
        ),
        Check(
            f"{name}-settings",
            (url, SETTINGS_PATH),
            lambda manifest: _check_url_settings(manifest, field),
            emits=(
                UNKNOWN_OAUTH_SETTING,
                OAUTH_SETTING_NOT_REQUIRED_STRING,
                UNCONSTRAINED_DYNAMIC_HOST,
                HOSTNAME_ONLY_DYNAMIC_HOST,
                DYNAMIC_DOMAIN,
            ),
        ),
    )


# --- BF507 / BF508: scopes. --------------------------------------------------------------------


def check_scopes(manifest: Manifest) -> Iterator[Finding]:
    scopes = get_path(manifest, (*OAUTH, "scopes"))
    if not isinstance(scopes, list):
        return
    if not scopes:
        yield Finding(
            NO_SCOPES,
            "`oauth.scopes` is empty: no scope will be requested",
            _at((*OAUTH, "scopes")),
            help="list the scopes the connector's routes need",
        )
        return
    first_seen: dict[str, int] = {}
    for index, scope in enumerate(scopes):
        if not isinstance(scope, str):
            continue
        at = _at((*OAUTH, "scopes", index))
        if not scope.strip():
            yield Finding(INVALID_SCOPE, "empty scope", at, help="remove it")
        elif any(char.isspace() for char in scope):
            parts = ", ".join(f'"{part}"' for part in scope.split())
            yield Finding(
                INVALID_SCOPE,
                f"scope `{scope.strip()}` contains whitespace",
                at,
                help=f"scopes are separate list items: {parts}",
            )
        if scope in first_seen:
            yield Finding(
                INVALID_SCOPE,
                f"scope `{scope}` is listed twice",
                at,
                related=(_at((*OAUTH, "scopes", first_seen[scope]), message="first listed here"),),
                help="remove the duplicate",
            )
        else:
            first_seen[scope] = index


# --- BF509: credential key. -------------------------------------------------------------------


def _as_identifier(value: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value).lower())
    name = name.strip("_")
    if not name or not name[0].isalpha():
        name = f"key_{name}" if name else "oauth_client"
    return name


def check_credential_key(manifest: Manifest) -> Iterator[Finding]:
    key = get_path(manifest, (*OAUTH, "client", "credentialKey"))
    if isinstance(key, str) and not _CREDENTIAL_KEY.fullmatch(key):
        yield Finding(
            INVALID_CREDENTIAL_KEY,
            f"credential key `{key}` is not an identifier `^[a-z][a-z0-9_]*$`",
            _at((*OAUTH, "client", "credentialKey")),
            help=f"did you mean `{_as_identifier(key)}`?",
        )


# --- BF510: pasted OAuth tokens. --------------------------------------------------------------

#: The word before `token` that makes a name an OAuth token (`access_token`, `idToken`).
_TOKEN_KINDS = frozenset({"access", "refresh", "oauth", "oauth2", "bearer", "id"})
#: The same, written as one word (`accesstoken`, `apiaccesstoken`).
_GLUED = ("accesstoken", "refreshtoken", "oauthtoken", "oauth2token", "bearertoken")


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [word for word in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if word]


def looks_like_oauth_token(name: str) -> bool:
    """`access_token`, `refreshToken`, `OAUTH-TOKEN`, `api_access_token`, `accesstoken`: yes.
    `token_url`, `api_key`, `webhook_signing_secret`, `token`: no."""
    words = _words(name)
    if not words:
        return False
    if len(words) >= 2 and words[-1] in ("token", "tokens") and words[-2] in _TOKEN_KINDS:
        return True
    return words[-1].endswith(_GLUED)


def check_pasted_tokens(manifest: Manifest) -> Iterator[Finding]:
    if not isinstance(get_path(manifest, OAUTH), Mapping):
        return
    schema = _settings_as_read(manifest)
    if schema is None:
        return
    for sub in walk(schema):
        for name in schema_map(sub.schema, "properties"):
            if looks_like_oauth_token(name):
                yield Finding(
                    PASTED_OAUTH_TOKEN,
                    f"setting `{name}` looks like a pasted OAuth token, but the platform runs "
                    "OAuth and stores the tokens itself",
                    _setting_at((*sub.path, "properties", name), "key"),
                    help="remove the setting and read the token with `OAuth.accessToken()`; a "
                    f"local dogfood manifest can keep it with `--ignore {PASTED_OAUTH_TOKEN.code}`",
                )


CHECKS = (
    Check("oauth-type", ((*OAUTH, "type"),), check_type, emits=(UNSUPPORTED_OAUTH_TYPE,)),
    *_url_checks("authorizationUrlTemplate"),
    *_url_checks("tokenUrlTemplate"),
    Check("oauth-scopes", ((*OAUTH, "scopes"),), check_scopes, emits=(INVALID_SCOPE, NO_SCOPES)),
    Check(
        "oauth-credential-key",
        ((*OAUTH, "client", "credentialKey"),),
        check_credential_key,
        emits=(INVALID_CREDENTIAL_KEY,),
    ),
    Check(
        "oauth-pasted-tokens", (SETTINGS_PATH,), check_pasted_tokens, emits=(PASTED_OAUTH_TOKEN,)
    ),
)
