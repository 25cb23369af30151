"""`connection.settingsSchema` (BF401-BF408): a valid, local, object-typed JSON Schema.

Each rule is its own check, so that (for example) a bad `$schema` does not hide a bad default.
Meta-validation uses the metaschemas bundled with `jsonschema` (via `jsonschema_specifications`)
and no format checker, so nothing here touches the network; `$ref`s are resolved by hand,
locally, and a remote one is only ever reported.

Python's `jsonschema` is imported only when a schema or a default may be invalid: jsonschema-rs
answers first, and only its "valid" is used (backfill_codegen/checks/settings_fast.py says why that
is safe). The findings themselves always come from `jsonschema`.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from backfill_codegen import offline
from backfill_codegen.checks import settings_fast
from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.deep_stack import deeply
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer
from backfill_codegen.domain import ecma
from backfill_codegen.domain import settings_vocabulary as vocabulary
from backfill_codegen.domain.schema_keywords import DEFINITION_MAPS
from backfill_codegen.domain.schema_values import accepted_type_problem, schema_map, text
from backfill_codegen.domain.settings_schema import (
    SETTINGS_PATH,
    Dialect,
    Subschema,
    as_read,
    dialect_of,
    is_secret_schema,
    ref_chain,
    resolve_local,
    root_types,
    secret_values,
    views,
    walk,
    walk_referenced,
)
from backfill_codegen.limits import (
    MAX_DEFAULT_SECONDS,
    MAX_DEFAULT_STEPS,
    MAX_ENUM_VALUES,
    MAX_REGEX_SECONDS,
)
from backfill_codegen.rules.settings import (
    INVALID_DEFAULT,
    INVALID_PATTERN,
    INVALID_SETTINGS_SCHEMA,
    MISSPELT_SETTINGS_KEYWORD,
    REMOTE_REF,
    SECRET_VALUE_IN_MANIFEST,
    SETTINGS_NOT_OBJECT,
    UNKNOWN_DIALECT,
    UNKNOWN_REQUIRED,
    UNKNOWN_SETTINGS_KEYWORD,
    UNRESOLVED_REF,
)
from backfill_codegen.rules.source import TOO_COMPLEX

if TYPE_CHECKING:
    # start-up: jsonschema only for an invalid schema or default
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

#: Most metaschema errors reported for one schema; past that they are noise.
MAX_SCHEMA_ERRORS = 50
#: Longest validation message quoted in a finding.
MAX_MESSAGE = 200
_REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


def _at(path: JsonPath, part: str = "value", message: str = "") -> Pointer:
    return Pointer((*SETTINGS_PATH, *path), part, message)  # type: ignore[arg-type]


def _settings(manifest: Manifest) -> Mapping[str, Any] | None:
    schema = get_path(manifest, SETTINGS_PATH)
    return schema if isinstance(schema, Mapping) else None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _json_path(path: Iterable[Any]) -> str:
    return "/".join(str(step) for step in path)


# --- BF408: unknown dialect. ----------------------------------------------------------------


def check_dialect(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None or "$schema" not in schema:
        return
    dialect = dialect_of(schema)
    if dialect.known or not isinstance(dialect.declared, str):
        return  # a non-string `$schema` is a metaschema error (BF401)
    if dialect.suggestion:
        draft0x = "json-schema.org/draft-0" in dialect.suggestion
        canonical = dialect.suggestion + ("#" if draft0x else "")
        help_text = f"did you mean `{canonical}`? (the schema was checked as that dialect)"
    else:
        help_text = (
            "use `http://json-schema.org/draft-07/schema#` or "
            "`https://json-schema.org/draft/2020-12/schema`, or drop `$schema` for 2020-12 "
            "(the schema was checked as 2020-12)"
        )
    yield Finding(
        UNKNOWN_DIALECT,
        f"`$schema` `{_shorten(dialect.declared)}` is not a known JSON Schema dialect",
        _at(("$schema",)),
        help=help_text,
    )


# --- BF401: metaschema validation. ----------------------------------------------------------


@cache
def _meta_validator(validator: type[Validator]) -> Validator:
    # start-up: jsonschema only for a schema jsonschema-rs finds invalid
    from jsonschema import validators

    meta = validator.META_SCHEMA
    # No format checker: `format` stays an annotation, so no checker can do I/O, and patterns
    # are judged by BF407 in ECMA-262 syntax rather than by Python's `re`.
    return offline.python_validator(validators.validator_for(meta), meta)


def _error_sort_key(error: ValidationError) -> tuple[str, str]:
    return (_json_path(error.absolute_path), error.message)


def _most_telling(error: ValidationError) -> ValidationError:
    """The error to show: jsonschema's best match, or, for an `anyOf`/`oneOf` whose branches
    all failed, the branch error that says most ("not one of [...]" over "not of type")."""
    # start-up: jsonschema only for an invalid schema or default
    from jsonschema.exceptions import best_match

    best = best_match([error]) or error
    if best is error and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        candidates = [e for e in error.context if len(e.absolute_path) == deepest]
        candidates.sort(key=lambda e: (e.validator == "type", _error_sort_key(e)))
        best = candidates[0]
    return best


def _metaschema_targets(schema: Mapping[str, Any], uri: str) -> list[tuple[JsonPath, Any]]:
    """The schemas to validate against the metaschema: the root, and each subschema the
    compiler reads that the metaschema does not reach (a definition under a map its dialect
    does not know, such as draft-07's `$defs`; a `$ref` target under an `x-...` key). The
    emitters and the model generator read those too, so they are held to the same rules. One
    reached both ways gives the same errors, at the same paths: they are reported once."""
    known = vocabulary.dialect_keywords(uri)
    walked = list(walk(schema))
    paths = {sub.path for sub in walked}
    targets: list[tuple[JsonPath, Any]] = [((), schema)]
    for sub in walked:
        for container in DEFINITION_MAPS:
            if container not in known:
                targets.extend(
                    ((*sub.path, container, name), definition)
                    for name, definition in schema_map(sub.schema, container).items()
                )
    if any(text(sub.schema, "$ref") for sub in walked):
        targets.extend((s.path, s.schema) for s in walk_referenced(schema) if s.path not in paths)
    return targets


def check_metaschema(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    dialect = dialect_of(schema)
    name = dialect.uri.rsplit("/", 2)[-2] if "/draft" in dialect.uri else dialect.uri
    seen: set[tuple[JsonPath, str]] = set()
    for base, target in _metaschema_targets(schema, dialect.uri):
        errors = _metaschema_errors(dialect, target)
        if isinstance(errors, str):
            yield Finding(
                INVALID_SETTINGS_SCHEMA,
                f"`settingsSchema` could not be checked against its metaschema: {errors}",
                _at(base),
            )
            continue
        for path, message in errors:
            path = (*base, *path)
            if (path, message) in seen:
                continue
            seen.add((path, message))
            if len(seen) > MAX_SCHEMA_ERRORS:
                return
            where = f" at `{_json_path(path)}`" if path else ""
            yield Finding(
                INVALID_SETTINGS_SCHEMA,
                f"`settingsSchema` is not a valid {name} schema{where}: {message}",
                _at(path),
                help=f"write the keyword as JSON Schema {name} defines it, or set `$schema` to "
                "the dialect the schema is written in",
            )
    yield from _accepted_types(schema, dialect.uri)


def _metaschema_errors(dialect: Dialect, schema: Any) -> list[tuple[JsonPath, str]] | str:
    """(path, message) of each error the metaschema finds in `schema`, sorted; or why the
    validator could not run."""
    if settings_fast.schema_is_valid(dialect.uri, schema):
        return []  # jsonschema would find nothing either
    try:
        meta = _meta_validator(dialect.validator)
        errors = deeply(lambda: list(meta.iter_errors(schema)))
    except Exception as error:  # third-party code on arbitrary input: report, never crash
        return _shorten(str(error))
    found = []
    for top in sorted(errors, key=_error_sort_key):
        try:
            best = _most_telling(top)
        except Exception:  # best_match trips over a draft-03 schema-valued `type`: say `top`
            best = top
        found.append((tuple(best.absolute_path), _shorten(best.message)))
    return found


def _accepted_types(schema: Mapping[str, Any], uri: str) -> Iterator[Finding]:
    """Keywords read whatever the dialect (`writeOnly` in draft-04, OpenAPI's `nullable`) that
    the dialect's metaschema does not type: each must have its spec type."""
    known = vocabulary.dialect_keywords(uri)
    for sub in walk_referenced(schema):
        for keyword, value in sub.schema.items():
            if keyword in known or not isinstance(keyword, str):
                continue
            wanted = accepted_type_problem(keyword, value)
            if wanted is not None:
                yield Finding(
                    INVALID_SETTINGS_SCHEMA,
                    f"`{keyword}` must be {wanted} (at `{_json_path((*sub.path, keyword))}`)",
                    _at((*sub.path, keyword)),
                )


# --- BF402: the root is an object. ----------------------------------------------------------


def _is_object_type(value: Any) -> bool:
    return value == "object" or value == ["object"]


def check_root_object(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    chain, loops = ref_chain(schema, (), schema)
    if loops or any(item.path is None for item in chain):
        return  # the root `$ref` itself is broken: BF405/BF406 say so
    if isinstance(schema.get("$ref"), str) and not chain:
        return  # a remote root `$ref` (BF405): we cannot see what it points at
    types = root_types(schema)
    if any(_is_object_type(value) for _, value in types):
        return
    if types:
        path, value = types[0]
        yield Finding(
            SETTINGS_NOT_OBJECT,
            f"`settingsSchema` must be `type: object`, not `{_shorten(json.dumps(value))}`",
            _at(path),
            help='settings are named fields: use `"type": "object"` with `properties`',
        )
    else:
        yield Finding(
            SETTINGS_NOT_OBJECT,
            "`settingsSchema` has no `type: object`",
            _at(()),
            help='add `"type": "object"` at the root of the settings schema',
        )


# --- BF403: required names exist. -----------------------------------------------------------


def _scope_names(root: Mapping[str, Any], members: list[Subschema]) -> set[str]:
    """Property names defined for one instance: by every schema applying to it in place,
    and by what their local `$ref`s (and `allOf`s) reach."""
    names: set[str] = set()
    for member in members:
        for _, schema in views(root, member.schema, member.path):
            properties = schema.get("properties")
            if isinstance(properties, Mapping):
                names.update(name for name in properties if isinstance(name, str))
    return names


def check_required(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    subschemas = list(walk(schema))
    scopes: dict[JsonPath, list[Subschema]] = {}
    for sub in subschemas:
        scopes.setdefault(sub.scope, []).append(sub)
    known: dict[JsonPath, set[str]] = {}
    for sub in subschemas:
        required = sub.schema.get("required")
        if not isinstance(required, list):
            continue
        if sub.scope not in known:
            known[sub.scope] = _scope_names(schema, scopes[sub.scope])
        names = known[sub.scope]
        for index, name in enumerate(required):
            if not isinstance(name, str) or name in names:
                continue
            close = difflib.get_close_matches(name, sorted(names), n=1)
            where = f"`{_json_path(sub.path)}`" if sub.path else "the root object"
            yield Finding(
                UNKNOWN_REQUIRED,
                f"required setting `{name}` is not in the properties of {where}",
                _at((*sub.path, "required", index)),
                help=f"did you mean `{close[0]}`?"
                if close
                else f"add a `{name}` property, or remove it from `required`",
            )


# --- BF404: defaults validate. --------------------------------------------------------------


def _undecidable(instance: Any, pattern: str) -> ValidationError:
    # start-up: jsonschema only for an invalid schema or default
    from jsonschema.exceptions import ValidationError

    return ValidationError(
        f"{_shorten(repr(instance))} cannot be checked against {_shorten(repr(pattern))} in "
        f"bounded time: {ecma.undecided_reason(pattern)}"
    )


def _ecma_search(pattern: str, text: str) -> bool | None:
    """ECMA-262 `test`; None only when a valid pattern cannot be decided in bounded time (an
    invalid one is BF407's, and matches nothing here). Not cached here: domain/ecma.py
    keeps decided answers, and the manifest's regex budget remembers the undecided ones (a cached
    "undecided" would outlive the budget that spent it)."""
    if ecma.compile_error(pattern) is not None:
        return False
    return ecma.search(pattern, text)


def _ecma_pattern(
    validator: Validator, pattern: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """`pattern` in ECMA-262 semantics (as the dashboard validates), bounded in time."""
    if not validator.is_type(instance, "string") or not isinstance(pattern, str):
        return
    found = _ecma_search(pattern, instance)
    if found is None:
        yield _undecidable(instance, pattern)
    elif not found:
        # start-up: jsonschema only for an invalid schema or default
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{_shorten(repr(instance))} does not match {pattern!r}")


# jsonschema matches property names with Python's `re`, which has no time bound (a pattern such
# as `^(a+)+$` on a 40-character name runs for minutes) and is not ECMA-262: these keywords are
# redone with ecma.search.


def _ecma_pattern_properties(
    validator: Validator, patterns: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object") or not isinstance(patterns, Mapping):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            found = _ecma_search(pattern, key)
            if found is None:
                yield _undecidable(key, pattern)
            elif found:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _ecma_additional_properties(
    validator: Validator, additional: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = [p for p in schema.get("patternProperties", {}) if isinstance(p, str)]
    extras = []
    for key in instance:
        if key in properties:
            continue
        matched = False
        for pattern in patterns:
            found = _ecma_search(pattern, key)
            if found is None:
                yield _undecidable(key, pattern)
                return
            if found:
                matched = True
                break
        if not matched:
            extras.append(key)
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False and extras:
        # start-up: jsonschema only for an invalid schema or default
        from jsonschema.exceptions import ValidationError

        shown = ", ".join(_shorten(repr(extra)) for extra in sorted(extras))
        yield ValidationError(f"additional properties are not allowed ({shown})")


def _guarded_unevaluated(
    original: Callable[..., Iterator[ValidationError]],
) -> Callable[..., Iterator[ValidationError]]:
    """`unevaluatedProperties` looks into `patternProperties` with Python's `re` too: refused
    on objects when the schema holds a pattern that could backtrack badly."""

    def run(
        validator: Validator, unevaluated: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "object"):
            yield _undecidable(instance, "a `patternProperties` pattern")
            return
        yield from original(validator, unevaluated, instance, schema)

    return run


class _OutOfSteps(Exception):
    """The manifest's default checking used its `limits.MAX_DEFAULT_STEPS` or seconds."""


class _Work:
    """What checking one manifest's defaults may still cost: keyword applications and time.
    A chain of `anyOf`s over `$ref`s (`d_i: {anyOf: [{$ref: d_i+1}, {$ref: d_i+1}]}`) makes
    jsonschema's work, and the errors it keeps, exponential in the chain's length; counting
    every keyword application bounds both, whatever the schema's shape."""

    def __init__(self, steps: int, seconds: float) -> None:
        self.steps_left = steps
        self.steps_taken = 0
        self.deadline = time.monotonic() + seconds
        self.exhausted = False

    def spend(self) -> None:
        if self.exhausted:
            raise _OutOfSteps
        self.steps_left -= 1
        self.steps_taken += 1
        if self.steps_left < 0 or (
            self.steps_taken % 256 == 0 and time.monotonic() > self.deadline
        ):
            self.exhausted = True
            raise _OutOfSteps


#: The work of the manifest whose defaults are being checked (one at a time, as in compiler.ecma).
_work: _Work | None = None


def _counted(
    keyword: Callable[..., Iterator[ValidationError] | None],
) -> Callable[..., Iterator[ValidationError]]:
    def run(
        validator: Validator, value: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if _work is not None:
            _work.spend()
        yield from keyword(validator, value, instance, schema) or ()

    return run


@cache
def _default_validator(validator: type[Validator], risky: bool = False) -> type[Validator]:
    # start-up: jsonschema only for a schema jsonschema-rs finds invalid
    from jsonschema import validators

    keywords: dict[str, Callable[..., Iterator[ValidationError]]] = dict(validator.VALIDATORS)
    keywords.update(
        pattern=_ecma_pattern,
        patternProperties=_ecma_pattern_properties,
        additionalProperties=_ecma_additional_properties,
    )
    original = validator.VALIDATORS.get("unevaluatedProperties")
    if risky and original is not None:
        keywords["unevaluatedProperties"] = _guarded_unevaluated(original)
    # Every keyword application is counted against the manifest's `_Work`.
    return validators.extend(validator, {k: _counted(f) for k, f in keywords.items()})


def _risky_pattern_properties(subschemas: Iterable[Subschema]) -> bool:
    for sub in subschemas:
        patterns = sub.schema.get("patternProperties")
        if isinstance(patterns, Mapping) and any(
            isinstance(p, str) and ecma.backtracking_risk(p) for p in patterns
        ):
            return True
    return False


def check_defaults(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    # One budget of regex time for the whole manifest (limits.MAX_REGEX_SECONDS), and one of
    # validation work (limits.MAX_DEFAULT_STEPS and MAX_DEFAULT_SECONDS), spent before the
    # findings are handed on.
    global _work
    previous, _work = _work, _Work(MAX_DEFAULT_STEPS, MAX_DEFAULT_SECONDS + MAX_REGEX_SECONDS)
    try:
        with ecma.budget():
            findings = list(_check_defaults(schema))
    finally:
        _work = previous
    yield from findings


def _check_defaults(schema: Mapping[str, Any]) -> Iterator[Finding]:
    subschemas = list(walk(schema))
    uri = dialect_of(schema).uri
    # In document order, the defaults jsonschema-rs cannot vouch for; jsonschema judges them.
    pending = [
        sub
        for sub in subschemas
        if "default" in sub.schema
        and not settings_fast.default_is_valid(uri, sub.schema, _ecma_search)
    ]
    if pending:
        yield from deeply(lambda: list(_default_findings(schema, subschemas, pending)))


def _default_findings(
    schema: Mapping[str, Any], subschemas: list[Subschema], with_default: list[Subschema]
) -> Iterator[Finding]:
    # start-up: jsonschema only for an invalid schema or default
    from jsonschema.exceptions import best_match

    risky = _risky_pattern_properties(subschemas)
    cls = _default_validator(dialect_of(schema).validator, risky)
    try:
        # The root is the resource every local `$ref` resolves in; the registry refuses every
        # retrieval, so a remote `$ref` raises (caught below) instead of fetching.
        root_validator = offline.python_validator(cls, schema)
    except Exception:
        return
    for sub in with_default:
        if ref_chain(schema, sub.path, sub.schema)[1]:
            continue  # BF406: validating through a `$ref` loop would never end
        try:
            validator = root_validator.evolve(schema=sub.schema)
            error = best_match(validator.iter_errors(sub.schema["default"]))
        except _OutOfSteps:
            yield Finding(
                INVALID_DEFAULT,
                "the default cannot be checked against its schema in bounded time: checking "
                f"the manifest's defaults took more than {MAX_DEFAULT_STEPS:,} steps or "
                f"{MAX_DEFAULT_SECONDS:g} s (a chain of `anyOf`/`oneOf` over `$ref`s grows "
                "exponentially)",
                _at((*sub.path, "default")),
                help="flatten the chain of alternatives, or drop the default",
            )
            continue
        except Exception:  # an unresolvable or looping `$ref` (BF405/BF406), a Python-only
            # regex in `patternProperties`, ...: another rule reports it
            continue
        if error is None:
            continue
        yield Finding(
            INVALID_DEFAULT,
            f"the default does not validate against its schema: {_shorten(error.message)}",
            _at((*sub.path, "default", *error.absolute_path)),
            help="change the default to a value the schema accepts, or drop the default",
        )


# --- BF405 / BF406: references. -------------------------------------------------------------


def _definition_pointers(schema: Mapping[str, Any]) -> list[str]:
    pointers = []
    for key in ("$defs", "definitions"):
        defs = schema.get(key)
        if isinstance(defs, Mapping):
            pointers.extend(f"#/{key}/{name}" for name in defs if isinstance(name, str))
    return pointers


#: Keywords whose value is an instance (data), not a schema: a `$ref` key in it is data.
_INSTANCE_KEYWORDS = frozenset({"default", "examples", "const", "enum", "example"})


def _remote_finding(key: str, ref: str, at: Pointer) -> Finding:
    return Finding(
        REMOTE_REF,
        f"`{key}` `{_shorten(ref)}` is not local: the compiler never fetches schemas",
        at,
        help="copy the referenced schema into `$defs` and refer to it as `#/$defs/<name>`",
    )


def _hidden_remote_refs(schema: Mapping[str, Any], walked: set[JsonPath]) -> Iterator[Finding]:
    """Remote references in objects `walk` does not list as subschemas: under `contentSchema`,
    an unknown or `x-` keyword, or any other place. The emitters copy such keywords into
    openapi.json and the settings files, and a consumer (openapi-typescript) fetches every
    `$ref` it finds, so any object counts, except an instance value (`default`, `enum`, ...)
    of a subschema. Iterative: a deep document cannot exhaust the stack."""
    stack: list[tuple[JsonPath, Any]] = [((), schema)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            is_schema = path in walked
            if not is_schema:
                for key in _REF_KEYWORDS:
                    ref = value.get(key)
                    if isinstance(ref, str) and not ref.startswith("#"):
                        yield _remote_finding(key, ref, _at((*path, key)))
            children = [
                ((*path, key), child)
                for key, child in value.items()
                if not (is_schema and key in _INSTANCE_KEYWORDS)
            ]
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([((*path, i), child) for i, child in enumerate(value)]))


def check_refs(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    yield from _hidden_remote_refs(schema, {sub.path for sub in walk(schema)})
    pointers: list[str] | None = None
    for sub in walk(schema):
        for key in _REF_KEYWORDS:
            ref = sub.schema.get(key)
            if not isinstance(ref, str):
                continue
            at = _at((*sub.path, key))
            if not ref.startswith("#"):
                yield _remote_finding(key, ref, at)
                continue
            if key != "$ref":
                continue  # local `$dynamicRef`/`$recursiveRef` name dynamic anchors
            target = resolve_local(schema, ref)
            if target.path is None:
                if pointers is None:
                    pointers = _definition_pointers(schema)
                close = difflib.get_close_matches(ref, pointers, n=1)
                yield Finding(
                    UNRESOLVED_REF,
                    f"`$ref` `{_shorten(ref)}` does not resolve: {target.error}",
                    at,
                    help=f"did you mean `{close[0]}`?"
                    if close
                    else "define the schema under `$defs` and point at it: `#/$defs/<name>`",
                )
            elif not isinstance(target.value, Mapping | bool):
                yield Finding(
                    UNRESOLVED_REF,
                    f"`$ref` `{_shorten(ref)}` points at a {type(target.value).__name__}, "
                    "not a schema",
                    at,
                    help="point `$ref` at a schema (an object or a boolean), such as one under "
                    "`$defs`",
                )
            elif ref_chain(schema, sub.path, sub.schema)[1]:
                yield Finding(
                    UNRESOLVED_REF,
                    f"`$ref` `{_shorten(ref)}` loops back to itself without reaching a schema",
                    at,
                    help="point the reference at a schema that does not refer back here",
                )


# --- BF407: patterns are ECMA-262. ----------------------------------------------------------


def check_patterns(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    for sub in walk(schema):
        pattern = sub.schema.get("pattern")
        if isinstance(pattern, str):
            error = ecma.compile_error(pattern)
            if error is not None:
                at = _at((*sub.path, "pattern"))
                at = replace(at, within=ecma.error_span(pattern), message="invalid here")
                yield _pattern_finding(pattern, error, at)
        properties = sub.schema.get("patternProperties")
        if isinstance(properties, Mapping):
            for key in properties:
                if isinstance(key, str) and (error := ecma.compile_error(key)) is not None:
                    yield _pattern_finding(
                        key, error, _at((*sub.path, "patternProperties", key), "key")
                    )


def _pattern_finding(pattern: str, error: str, at: Pointer) -> Finding:
    return Finding(
        INVALID_PATTERN,
        f"`{_shorten(pattern)}` is not a valid ECMA-262 regular expression: {_shorten(error)}",
        at,
        help='patterns are compiled as JavaScript `new RegExp(pattern, "u")`',
    )


# --- BF409: a secret's value written in the manifest. ----------------------------------------


def check_secret_values(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    for value in secret_values(schema):
        if value.direct:
            holder = _json_path(value.path[:-1])
            message = f"the secret `{holder or 'settingsSchema'}` has a literal `{value.keyword}`"
        else:
            inside = _json_path(value.inside) or "its root"
            message = f"this `{value.keyword}` holds a secret's value at `{inside}`"
        yield Finding(
            SECRET_VALUE_IN_MANIFEST,
            message + ": a credential committed in the manifest",
            _at(value.path, "key" if isinstance(value.path[-1], str) else "value"),
            help="move the credential out of the manifest: the admin enters it in the "
            f"settings form; remove the `{value.keyword}`",
        )


# --- BF410 / BF411: unknown keywords, and misspelt ones. ------------------------------------


def _dialect_name(uri: str) -> str:
    return uri.rsplit("/", 2)[-2]  # draft-07, 2020-12


def check_keywords(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    uri = dialect_of(schema).uri
    name = _dialect_name(uri)
    # Keys of subschemas only (property and definition names are not keywords), including
    # schemas only a `$ref` reaches (under an `x-...` key).
    for sub in walk_referenced(schema):
        for key in sub.schema:
            if not isinstance(key, str) or vocabulary.is_known(key, uri):
                continue
            at = _at((*sub.path, key), "key")
            shown = _shorten(key)
            others = vocabulary.dialects_knowing(key)
            if others:
                yield Finding(
                    UNKNOWN_SETTINGS_KEYWORD,
                    f"`{shown}` is not a {name} keyword (it is a keyword of "
                    f"{', '.join(_dialect_name(o) for o in others)}): {name} validators ignore it",
                    at,
                    help="declare the dialect that has it in `$schema`, or write the "
                    f"constraint with {name} keywords",
                )
                continue
            meant = vocabulary.near_miss(key, uri)
            if meant is not None:
                yield Finding(
                    MISSPELT_SETTINGS_KEYWORD,
                    f"unknown keyword `{shown}`: a misspelling of `{meant}`, which is ignored "
                    "as written",
                    at,
                    help=f"did you mean `{meant}`?",
                    explains=(*at.path[:-1], meant),
                )
                continue
            if key in vocabulary.VENDOR_SECRETS:
                help_text = (
                    "this compiler and the dashboard read secrets from `writeOnly: true` (or "
                    "`format: password`): add it, or this setting is a plain, echoed string"
                )
            elif (close := vocabulary.closest(key, uri)) is not None:
                help_text = f"did you mean `{close}`?"
            else:
                help_text = "rename it `x-" + shown + "` to mark it as an extension"
            yield Finding(
                UNKNOWN_SETTINGS_KEYWORD,
                f"unknown keyword `{shown}` in the settings schema: validators ignore it",
                at,
                help=help_text,
            )


# --- BF006: limits that keep `generate` fast. -----------------------------------------------


def check_limits(manifest: Manifest) -> Iterator[Finding]:
    schema = _settings(manifest)
    if schema is None:
        return
    for sub in walk(schema):
        values = sub.schema.get("enum")
        if isinstance(values, list) and len(values) > MAX_ENUM_VALUES:
            yield Finding(
                TOO_COMPLEX,
                f"this `enum` lists {len(values):,} values; at most {MAX_ENUM_VALUES:,} are "
                "allowed",
                _at((*sub.path, "enum")),
                help="use a `pattern` (or a plain string the route checks) for long lists",
            )


_READS: tuple[JsonPath, ...] = (SETTINGS_PATH,)

# --- BF404: a default the generated model's format type refuses. ------------------------------

#: The hostname pattern datamodel-code-generator puts on `format: hostname` (settings.py).
_HOSTNAME = (
    r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])\.)*"
    r"([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]{0,61}[A-Za-z0-9])$"
)


@cache
def _format_types() -> dict[str, Any]:
    """The pydantic type settings.py gives a string of each format that it enforces (what
    datamodel-code-generator maps it to; `email`, `uri-reference`, `ipv4network`, ... stay
    `str`). Imports pydantic: called only when a string default has one of `_TYPED_FORMATS`."""
    import datetime
    import decimal
    import ipaddress
    import uuid
    from typing import Annotated

    import pydantic

    return {
        "date-time": pydantic.AwareDatetime,
        "date-time-local": pydantic.NaiveDatetime,
        "date": datetime.date,
        "time": datetime.time,
        "time-local": datetime.time,
        "duration": datetime.timedelta,
        "uuid": uuid.UUID,
        "uuid1": pydantic.UUID1,
        "uuid3": pydantic.UUID3,
        "uuid4": pydantic.UUID4,
        "uuid5": pydantic.UUID5,
        "ipv4": ipaddress.IPv4Address,
        "ipv6": ipaddress.IPv6Address,
        "uri": pydantic.AnyUrl,
        "byte": pydantic.Base64Str,
        "decimal": decimal.Decimal,
        "hostname": Annotated[str, pydantic.Field(pattern=_HOSTNAME)],
    }


_TYPED_FORMATS = frozenset(
    {
        "date-time",
        "date-time-local",
        "date",
        "time",
        "time-local",
        "duration",
        "uuid",
        "uuid1",
        "uuid3",
        "uuid4",
        "uuid5",
        "ipv4",
        "ipv6",
        "uri",
        "byte",
        "decimal",
        "hostname",
    }
)


def _format_refusal(format_name: str, value: str) -> str | None:
    """Why the generated model's type for `format_name` refuses `value`, or None."""
    import pydantic

    try:
        pydantic.TypeAdapter(_format_types()[format_name]).validate_python(value)
    except pydantic.ValidationError as error:
        return error.errors()[0]["msg"]
    return None


def check_format_defaults(manifest: Manifest) -> Iterator[Finding]:
    """A string default whose `format` settings.py types (`date-time` is `AwareDatetime`,
    `uuid` is `UUID`, ...) must be a value of that type, or the generated model refuses its own
    default and openapi.json fails validation. JSON Schema validators only annotate `format`,
    so `check_defaults` does not see this. Read as the dialect reads the schema (`as_read`)."""
    raw = _settings(manifest)
    if raw is None:
        return
    schema = as_read(raw)
    for sub in walk(schema):
        default = sub.schema.get("default")
        if not isinstance(default, str) or is_secret_schema(schema, sub.schema, sub.path):
            continue
        formats = {
            s["format"]
            for _, s in views(schema, sub.schema, sub.path)
            if isinstance(s.get("format"), str) and s["format"] in _TYPED_FORMATS
        }
        for format_name in sorted(formats):
            why = _format_refusal(format_name, default)
            if why is not None:
                yield Finding(
                    INVALID_DEFAULT,
                    f"default `{_shorten(default)}` is not a valid `{format_name}` "
                    f"(settings.py types it and refuses it: {_shorten(why)})",
                    _at((*sub.path, "default")),
                    help=f"give a valid `{format_name}` value, or drop the default",
                )
                break


CHECKS = (
    Check("settings-dialect", _READS, check_dialect, emits=(UNKNOWN_DIALECT,)),
    Check("settings-metaschema", _READS, check_metaschema, emits=(INVALID_SETTINGS_SCHEMA,)),
    Check("settings-root-object", _READS, check_root_object, emits=(SETTINGS_NOT_OBJECT,)),
    Check("settings-required", _READS, check_required, emits=(UNKNOWN_REQUIRED,)),
    Check("settings-defaults", _READS, check_defaults, emits=(INVALID_DEFAULT,)),
    Check("settings-format-defaults", _READS, check_format_defaults, emits=(INVALID_DEFAULT,)),
    Check("settings-refs", _READS, check_refs, emits=(REMOTE_REF, UNRESOLVED_REF)),
    Check("settings-patterns", _READS, check_patterns, emits=(INVALID_PATTERN,)),
    Check("settings-limits", _READS, check_limits, emits=(TOO_COMPLEX,)),
    Check("settings-secret-values", _READS, check_secret_values, emits=(SECRET_VALUE_IN_MANIFEST,)),
    Check(
        "settings-keywords",
        _READS,
        check_keywords,
        emits=(UNKNOWN_SETTINGS_KEYWORD, MISSPELT_SETTINGS_KEYWORD),
    ),
)
