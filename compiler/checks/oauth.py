"""`connection.oauth` (BF501-BF510): the grant type, the URL templates and the settings they
use, dynamic hosts, scopes, the client credential key, and pasted tokens in the settings.

The URL checks read the settings schema too, and must work when it is itself invalid (BF401):
they use `compiler.settings_schema`, which resolves what it can and never raises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compiler import ecma
from compiler.checks.base import Check, Manifest, get_path
from compiler.diagnostics.model import Finding, Path, Pointer
from compiler.settings_schema import (
    SETTINGS_PATH,
    Property,
    is_string_type,
    root_properties,
    root_required,
    types_of,
    views,
    walk,
)

OAUTH: Path = ("connection", "oauth")
GRANT_TYPE = "authorization_code"
_CREDENTIAL_KEY = re.compile(r"[a-z][a-z0-9_]*")

#: Values an attacker would give a dynamic-host setting to move the host (each must be rejected
#: by the setting's pattern). Short on purpose: `regress` backtracks without a step limit, and a
#: short text bounds the work a catastrophic pattern can do (see compiler/ecma.py).
HOST_PROBES: tuple[str, ...] = (
    "evil.example#",  # fragment: the rest of the template leaves the URL
    "evil.example/",  # path: the rest of the host becomes path
    "evil.example?",  # query
    "evil.example\\",  # `\` is `/` to WHATWG URL parsers
    "a@evil.example",  # userinfo: the host becomes evil.example
    "evil.example:1",  # port
    "a b",  # whitespace
    "a\tb",
    "a\nb",  # `$` does not match before a newline in ECMA-262 (no `m` flag)
    "a\rb",
)
#: Delimiter suffixes and prefixes tried around the setting's own examples, so that a pattern
#: which only accepts the provider's shape (`\.amazon\.`) is still probed.
_EXAMPLE_WRAPS = ("{}#", "{}/", "{}?", "a@{}", "{}:1", "{} b")
_MAX_EXAMPLE = 24


def _at(path: Path, part: str = "value", message: str = "") -> Pointer:
    return Pointer(path, part, message)  # type: ignore[arg-type]


def _setting_at(path: Path, part: str = "key", message: str = "") -> Pointer:
    return Pointer((*SETTINGS_PATH, *path), part, message)  # type: ignore[arg-type]


# --- BF501: grant type. -----------------------------------------------------------------------


def check_type(manifest: Manifest) -> Iterator[Finding]:
    value = get_path(manifest, (*OAUTH, "type"))
    if isinstance(value, str) and value != GRANT_TYPE:
        yield Finding(
            "BF501",
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


def _read_settings(manifest: Manifest) -> _Settings:
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return _Settings(None, {}, set())
    return _Settings(schema, root_properties(schema), root_required(schema))


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _suggest(name: str, candidates: list[str]) -> str | None:
    by_shape = [c for c in candidates if _normalised(c) == _normalised(name)]
    if by_shape:
        return by_shape[0]
    close = difflib.get_close_matches(name, candidates, n=1)
    return close[0] if close else None


def _examples(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, Mapping):
        for key in ("examples", "default", "example"):
            value = schema.get(key)
            values = value if isinstance(value, list) else [value]
            found.extend(v for v in values if isinstance(v, str) and 0 < len(v) <= _MAX_EXAMPLE)
    return sorted(set(found))


def _probes(schemas: list[Mapping[str, Any]]) -> list[str]:
    probes = list(HOST_PROBES)
    for schema in schemas:
        for example in _examples(schema):
            probes.extend(wrap.format(example) for wrap in _EXAMPLE_WRAPS)
    return list(dict.fromkeys(probes))


@dataclass(frozen=True)
class _Verdict:
    code: str | None  # None: the host is constrained
    reason: str
    at: Path | None  # the constraint the verdict is about (a pattern), if any


def _pattern_verdict(pattern: str, probes: list[str]) -> str | None:
    return _cached_pattern_verdict(pattern, tuple(probes))


@lru_cache(maxsize=256)
def _cached_pattern_verdict(pattern: str, probes: tuple[str, ...]) -> str | None:
    """Why `pattern` does not pin a host, or None when it does."""
    if not ecma.is_anchored(pattern):
        accepted = ecma.search_many(pattern, list(probes))
        first = next((p for p, ok in zip(probes, accepted or [], strict=False) if ok), None)
        shown = f"; it accepts {first!r}" if first else ""
        return f"its pattern is not anchored with `^...$`{shown}"
    # A risky pattern runs in a child process with a time limit; cached, so the two URL
    # templates naming one setting wait for it once.
    accepted = ecma.search_many(pattern, list(probes))
    if accepted is None:
        return "its pattern could not be checked in bounded time (catastrophic backtracking)"
    first = next((p for p, ok in zip(probes, accepted, strict=True) if ok), None)
    if first is not None:
        return f"its pattern accepts {first!r}, which moves the host"
    return None


def _host_verdict(settings: _Settings, prop: Property) -> _Verdict:
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
        return _Verdict(None, "its pattern is invalid (BF407)", None)
    if valid:
        probes = _probes(schemas)
        reasons = []
        for path, pattern in valid:
            reason = _pattern_verdict(pattern, probes)
            if reason is None:
                return _Verdict(None, "pinned by an anchored pattern", path)
            reasons.append((path, reason))
        path, reason = reasons[0]
        return _Verdict("BF505", reason, path)
    formats = {schema.get("format") for schema in schemas if isinstance(schema.get("format"), str)}
    if formats & {"hostname", "idn-hostname"}:
        return _Verdict("BF506", "only `format: hostname` constrains it", None)
    return _Verdict("BF505", "it has no `enum` or `pattern`", None)


def _template(manifest: Manifest, field: str) -> Any:
    text = get_path(manifest, (*OAUTH, field))
    if not isinstance(text, str):
        return None
    # Imported here: its host regex alone takes milliseconds to compile, and most connectors
    # have no OAuth.
    from compiler.oauth_template import parse_template

    return parse_template(text)


def _check_url_syntax(manifest: Manifest, field: str) -> Iterator[Finding]:
    template = _template(manifest, field)
    if template is None:
        return
    for problem in template.problems:
        where = Pointer((*OAUTH, field), "value", within=problem.span)
        yield Finding("BF502", f"`{field}`: {problem.message}", where, help=problem.help)


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
        yield from _check_token(settings, field, token.name, token.in_host, where)


def _check_token(
    settings: _Settings, field: str, name: str, in_host: bool, at: Pointer
) -> Iterator[Finding]:
    if settings.schema is None:
        yield Finding(
            "BF503",
            f"`{field}` uses `<{name}>`, but the manifest has no `settingsSchema`",
            at,
            help=f"declare `{name}` as a required string property of `connection.settingsSchema`",
        )
        return
    prop = settings.properties.get(name)
    if prop is None:
        suggestion = _suggest(name, sorted(settings.properties))
        yield Finding(
            "BF503",
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
            "BF504",
            f"`{field}` uses `<{name}>`, but setting `{name}` is {' and '.join(problems)}",
            at,
            related=(defined,),
            help=f'give `{name}` `"type": "string"` and list it in the root `required`',
        )
    if not in_host:
        return
    verdict = _host_verdict(settings, prop)
    if verdict.code is None:
        return
    related = (defined,)
    if verdict.at is not None:
        related = (_setting_at(verdict.at, "value", "this pattern"), defined)
    if verdict.code == "BF506":
        yield Finding(
            "BF506",
            f"`{field}` has `<{name}>` in its host, and {verdict.reason}",
            at,
            related=related,
            help="the platform's connect-time host validation is the only guard; prefer an "
            "`enum`, or an anchored `pattern` that pins the provider's domain",
        )
        return
    yield Finding(
        "BF505",
        f"`{field}` has `<{name}>` in its host, and {verdict.reason}",
        at,
        related=related,
        help="pin the setting with an `enum`, or an anchored `pattern` (`^...$`) that rejects "
        "`/ \\ # ? @ :` and whitespace, e.g. `^[a-z0-9][a-z0-9-]*$`",
    )


def _url_checks(field: str) -> tuple[Check, Check]:
    """Two checks per URL template, so a broken settings schema (a structural error there)
    does not hide the URL's own syntax problems."""
    url: Path = (*OAUTH, field)
    name = "oauth-" + re.sub(r"([A-Z])", r"-\1", field.removesuffix("Template")).lower()
    return (
        Check(name, (url,), lambda manifest: _check_url_syntax(manifest, field)),
        Check(
            f"{name}-settings",
            (url, SETTINGS_PATH),
            lambda manifest: _check_url_settings(manifest, field),
        ),
    )


# --- BF507 / BF508: scopes. --------------------------------------------------------------------


def check_scopes(manifest: Manifest) -> Iterator[Finding]:
    scopes = get_path(manifest, (*OAUTH, "scopes"))
    if not isinstance(scopes, list):
        return
    if not scopes:
        yield Finding(
            "BF508",
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
            yield Finding("BF507", "empty scope", at, help="remove it")
        elif any(char.isspace() for char in scope):
            parts = ", ".join(f'"{part}"' for part in scope.split())
            yield Finding(
                "BF507",
                f"scope `{scope.strip()}` contains whitespace",
                at,
                help=f"scopes are separate list items: {parts}",
            )
        if scope in first_seen:
            yield Finding(
                "BF507",
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
            "BF509",
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
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return
    for sub in walk(schema):
        properties = sub.schema.get("properties")
        if not isinstance(properties, Mapping):
            continue
        for name in properties:
            if isinstance(name, str) and looks_like_oauth_token(name):
                yield Finding(
                    "BF510",
                    f"setting `{name}` looks like a pasted OAuth token, but the platform runs "
                    "OAuth and stores the tokens itself",
                    _setting_at((*sub.path, "properties", name), "key"),
                    help="remove the setting and read the token with `OAuth.accessToken()`; a "
                    "local dogfood manifest can keep it with `--ignore BF510`",
                )


CHECKS = (
    Check("oauth-type", ((*OAUTH, "type"),), check_type),
    *_url_checks("authorizationUrlTemplate"),
    *_url_checks("tokenUrlTemplate"),
    Check("oauth-scopes", ((*OAUTH, "scopes"),), check_scopes),
    Check("oauth-credential-key", ((*OAUTH, "client", "credentialKey"),), check_credential_key),
    Check("oauth-pasted-tokens", (SETTINGS_PATH,), check_pasted_tokens),
)
