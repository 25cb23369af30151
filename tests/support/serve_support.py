"""What `check` accepts, `generate` serves (issue 10, class 11): the proof, shared by
tests/properties/test_generate_serves.py and bench/serve_campaign.py.

For a settings schema: wrap it in a minimal manifest and `check` it. If `check` accepts it,
render `settings.py` and `settings.ts` exactly as `generate` does (every emitter of the
connector, one ruff pass for the batch), then:

- `settings.py` imports;
- `Settings` accepts every value the schema accepts among: the root `default` and `examples`,
  a minimal instance built from the schema, and that instance with each root property set to
  its own `default` / `examples` (jsonschema, formats asserted, is the judge of "accepts");
- `Settings` rejects the instance with a required property taken out, or a property given a
  value of another JSON type, whenever jsonschema rejects it;
- every `settings.ts` type-checks, all in one tsc run (`typecheck_all`).

Reaching `generate`'s last-line fallback (a located BF413 diagnostic carrying the generator's
error instead of a module) counts as a failure: the check-time predicate missed a member.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.support.paths import GOLDEN, SHARED_CORPUS

CORPUS = SHARED_CORPUS / "settings-schemas"


@dataclass
class Outcome:
    name: str
    schema: Any
    accepted: bool = False
    codes: tuple[str, ...] = ()  # error codes when not accepted
    python: str = ""
    typescript: str = ""
    failure: str = ""  # why the proof failed ("" when it holds)
    valid_checked: int = 0
    invalid_checked: int = 0
    notes: list[str] = field(default_factory=list)


def manifest_of(schema: Any) -> dict[str, Any]:
    return {"name": "serve", "connection": {"settingsSchema": schema}}


def corpus_schemas() -> dict[str, Any]:
    """The real schemas of ../shared/corpus/settings-schemas (read there, never copied)."""
    if not CORPUS.is_dir():
        return {}
    return {
        f"corpus/{path.stem}": json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CORPUS.glob("*.json"))
        if path.name != "INDEX.json"
    }


def golden_schemas() -> dict[str, Any]:
    """The settings schema of every golden manifest that parses (the fuzz campaign's seeds)."""
    from backfill_codegen.pipeline import parse, read_source

    found: dict[str, Any] = {}
    for path in sorted(GOLDEN.glob("**/backfill.config.*")):
        if "expected" in path.parts:
            continue
        source, problems = read_source(path, path.name)
        if problems:
            continue
        parsed = parse(source, path.suffix.lower())
        value = parsed.document.value if parsed.document is not None else None
        schema = value.get("connection", {}) if isinstance(value, dict) else None
        schema = schema.get("settingsSchema") if isinstance(schema, dict) else None
        if schema is not None:
            found[f"golden/{path.parent.relative_to(GOLDEN).as_posix()}"] = schema
    return found


def check(schema: Any, folder: Path) -> tuple[bool, tuple[str, ...], Any]:
    """(accepted, error codes, the IR connector when accepted) for `schema` in a manifest."""
    from backfill_codegen.diagnostics.model import Severity
    from backfill_codegen.lower import lower
    from backfill_codegen.pipeline import check_manifest

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "backfill.config.json"
    path.write_text(json.dumps(manifest_of(schema), ensure_ascii=False), encoding="utf-8")
    result = check_manifest(path)
    errors = sorted({d.code for d in result.diagnostics if d.severity is Severity.ERROR})
    if errors:
        return False, tuple(errors), None
    assert result.manifest is not None
    return True, (), lower(result.manifest)


def render(outcomes: list[Outcome], folder: Path) -> None:
    """settings.py and settings.ts of every accepted outcome, as `generate` renders them."""
    from backfill_codegen.emit import python_settings, typescript_settings
    from backfill_codegen.format import format_python

    python: dict[str, str] = {}
    for index, outcome in enumerate(outcomes):
        if not outcome.accepted:
            continue
        accepted, _, connector = check(outcome.schema, folder / f"c{index}")
        assert accepted
        try:
            python[f"c{index}/settings.py"] = python_settings.emit(connector)["settings.py"]
            outcome.typescript = typescript_settings.emit(connector)["settings.ts"]
        except Exception as error:  # the fallback's territory: a failure of the predicate
            outcome.failure = f"the emitter raised {type(error).__name__}: {error}"
    formatted = format_python(python)
    for index, outcome in enumerate(outcomes):
        outcome.python = formatted.get(f"c{index}/settings.py", "")


def load(text: str, folder: Path, name: str) -> ModuleType:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


# --- The judge: jsonschema, with the dialect the schema declares and formats asserted. --------


def validator(schema: Any) -> Any:
    from referencing import Registry

    from backfill_codegen.domain.settings_schema import dialect_of

    cls = dialect_of(schema).validator

    def refuse(uri: str) -> Any:
        raise LookupError(f"no retrieval: {uri}")

    checker = copy.deepcopy(cls.FORMAT_CHECKER)
    # The formats the model enforces that jsonschema checks only with optional packages.
    checker.checks("hostname")(lambda value: not isinstance(value, str) or _HOSTNAME.match(value))
    checker.checks("uri")(lambda value: not isinstance(value, str) or _URI.match(value))
    return cls(schema, format_checker=checker, registry=Registry(retrieve=refuse))  # type: ignore[call-arg]


_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*$")


#: What the models do not carry, by design (README, "Generated code"): conditionals.
_NOT_MODELLED = frozenset(
    {"if", "then", "else", "not", "dependentSchemas", "dependentRequired", "dependencies"}
)
#: Formats pydantic's lax mode also fills from a number (a Unix time stamp, an address).
_FROM_NUMBERS = frozenset({"date-time", "date", "time", "ipv4", "ipv6"})


def as_any_of(schema: Any) -> Any:
    """`schema` as loose as the models are by design (README, "Generated code"): every `oneOf`
    read as `anyOf` (the model takes the first choice that fits: pydantic has no exclusive
    union), `not` and conditionals dropped, a date or time also taking a number, secrets'
    patterns dropped, `additionalProperties` in merged `allOf` members dropped. An instance
    only the strict judge rejects is no proof."""
    if isinstance(schema, list):
        return [as_any_of(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    loose = {
        ("anyOf" if key == "oneOf" else key): as_any_of(value)
        for key, value in schema.items()
        if key not in _NOT_MODELLED
    }
    if schema.get("writeOnly") is True or schema.get("format") == "password":
        # A secret's pattern is checked by a validator on its field; a secret inside a union
        # or an array has none (settings.py names it in its opening comment).
        loose.pop("pattern", None)
        loose.pop("format", None)  # a secret is a SecretStr, whatever its format
    members = loose.get("allOf")
    if isinstance(members, list) and len(members) > 1:
        # JSON Schema reads `additionalProperties` per member (a member's extra properties are
        # all the others' too); the generator merges the members into one class.
        loose["allOf"] = [
            {k: v for k, v in m.items() if k != "additionalProperties"}
            if isinstance(m, Mapping)
            else m
            for m in members
        ]
    if schema.get("format") in ("email", "idn-email"):
        loose.pop("format", None)  # a plain `str` (EmailStr would need email-validator)
    kinds = schema.get("type")
    if schema.get("format") in _FROM_NUMBERS and kinds == "string":
        loose["type"] = ["string", "number"]
    elif schema.get("format") in _FROM_NUMBERS and isinstance(kinds, list) and "string" in kinds:
        loose["type"] = [*kinds, "number"]
    return loose


def accepts(judge: Any, instance: Any) -> bool | None:
    """The judge's verdict; None when it cannot decide (a pattern Python's `re` rejects)."""
    try:
        return not any(True for _ in itertools.islice(judge.iter_errors(instance), 1))
    except Exception:
        return None


# --- Instances. --------------------------------------------------------------------------------


def _resolve(root: Any, schema: Any) -> list[Mapping[str, Any]]:
    from backfill_codegen.domain.settings_schema import views

    return [view for _, view in views(root, schema)] if isinstance(schema, Mapping) else []


def minimal(root: Any, schema: Any, depth: int = 0) -> Any:
    """A small instance `schema` probably accepts (the judge decides): a default, example,
    const or enum value where there is one, else the least value of the first type."""
    if depth > 12:
        return None
    found = _resolve(root, schema)
    for view in found:
        for key in ("const", "default"):
            if key in view:
                return copy.deepcopy(view[key])
        for key in ("examples", "enum"):
            values = view.get(key)
            if isinstance(values, list) and values:
                return copy.deepcopy(values[0])
    for view in found:
        for key in ("oneOf", "anyOf"):
            members = view.get(key)
            if isinstance(members, list) and members:
                return minimal(root, members[0], depth + 1)
    kinds = [view.get("type") for view in found if "type" in view]
    kind = kinds[0] if kinds else None
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind == "object" or (
        kind is None and any("properties" in view or "required" in view for view in found)
    ):
        properties: dict[str, Any] = {}
        required: list[str] = []
        for view in found:
            if isinstance(view.get("properties"), Mapping):
                for name, sub in view["properties"].items():
                    properties.setdefault(name, sub)
            if isinstance(view.get("required"), list):
                required.extend(n for n in view["required"] if isinstance(n, str))
        return {
            name: minimal(root, properties.get(name, {}), depth + 1)
            for name in dict.fromkeys(required)
        }
    if kind == "array":
        least = max(
            (v.get("minItems", 0) for v in found if isinstance(v.get("minItems"), int)), default=0
        )
        items = next((v["items"] for v in found if isinstance(v.get("items"), Mapping)), {})
        return [minimal(root, items, depth + 1) for _ in range(min(least, 3))]
    if kind == "string":
        for view in found:
            if view.get("format") in _FORMATTED:
                return _FORMATTED[view["format"]]
        least = max(
            (v.get("minLength", 0) for v in found if isinstance(v.get("minLength"), int)), default=0
        )
        return "a" * max(1, min(least, 64))
    if kind in ("integer", "number"):
        low = next(
            (v.get("minimum") for v in found if isinstance(v.get("minimum"), int | float)), 0
        )
        return int(low) if kind == "integer" else low
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "a"


#: A value of each format the model enforces.
_FORMATTED = {
    "uri": "https://a.example/",
    "hostname": "a.example",
    "date-time": "2020-01-01T00:00:00Z",
    "date": "2020-01-01",
    "time": "00:00:00Z",
    "email": "a@a.example",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
}


def _other_type_values() -> list[Any]:
    """Values of another JSON type. Not `null` (an optional property takes it: `X | None =
    None`), nor a bool, number or string: pydantic's lax mode converts between those (`True`
    is 1, a number is a timestamp); README's "Generated code" says so."""
    return [{"__serve__": [1]}, [{"__serve__": 1}]]


def valid_candidates(schema: Any, base: Any) -> Iterable[tuple[str, Any]]:
    """(what, instance) pairs to offer the model; the judge filters them."""
    if isinstance(schema, Mapping):
        if "default" in schema:
            yield "root default", schema["default"]
        for n, example in enumerate(
            schema.get("examples") or [] if isinstance(schema.get("examples"), list) else []
        ):
            yield f"root example {n}", example
    yield "minimal instance", base
    if not isinstance(base, dict):
        return
    from backfill_codegen.domain.settings_schema import root_properties

    for prop in root_properties(schema).values():
        for view in _resolve(schema, prop.schema):
            if "default" in view:
                yield f"{prop.name!r} default", {**base, prop.name: view["default"]}
            examples = view.get("examples")
            if isinstance(examples, list):
                for n, example in enumerate(examples[:5]):
                    yield f"{prop.name!r} example {n}", {**base, prop.name: example}
            values = view.get("enum")
            if isinstance(values, list):
                for n, value in enumerate(values[:10]):
                    yield f"{prop.name!r} enum value {n}", {**base, prop.name: value}
            if "const" in view:
                yield f"{prop.name!r} const", {**base, prop.name: view["const"]}


def invalid_candidates(schema: Any, base: Any) -> Iterable[tuple[str, Any]]:
    if not isinstance(base, dict):
        return
    for name in list(base):
        yield f"without required {name!r}", {k: v for k, v in base.items() if k != name}
    from backfill_codegen.domain.settings_schema import root_properties

    for prop in list(root_properties(schema).values())[:40]:
        for value in _other_type_values():
            yield f"{prop.name!r} = {value!r}", {**base, prop.name: value}
        # Outside an enum or const: a value of the same type that is not one of them, and
        # the values one part of an `allOf` lists that another part excludes.
        listed = [
            value
            for view in _resolve(schema, prop.schema)
            for value in (view.get("enum") if isinstance(view.get("enum"), list) else [])[:10]
        ]
        for value in ("serve-not-listed", 987654, *listed):
            yield f"{prop.name!r} = {value!r}", {**base, prop.name: value}


def prove(outcome: Outcome, folder: Path, module_name: str) -> None:
    """Import the model and run it on the candidates; sets `outcome.failure` on a failure."""
    from pydantic import ValidationError

    if outcome.failure or not outcome.accepted:
        return
    settings_schema = outcome.schema
    if not isinstance(settings_schema, Mapping):
        return
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = load(outcome.python, folder, module_name)
    except BaseException as error:
        outcome.failure = f"settings.py does not import: {type(error).__name__}: {error}"
        return
    if caught:
        outcome.failure = f"settings.py warns when imported: {caught[0].message}"
        return
    try:
        model = module.Settings
        judge = validator(settings_schema)
        base = minimal(settings_schema, settings_schema)
        for what, instance in valid_candidates(settings_schema, base):
            if accepts(judge, instance) is not True:
                continue
            outcome.valid_checked += 1
            try:
                model.model_validate(instance)
            except ValidationError as error:
                outcome.failure = f"rejects the {what} the schema accepts: {instance!r}\n{error}"
                return
        if accepts(judge, base) is not True:
            outcome.notes.append("no valid base instance")
            return
        loose = validator(as_any_of(settings_schema))
        for what, instance in invalid_candidates(settings_schema, base):
            if accepts(judge, instance) is not False or accepts(loose, instance) is not False:
                continue
            outcome.invalid_checked += 1
            try:
                model.model_validate(instance)
            except ValidationError:
                continue
            outcome.failure = f"accepts the invalid instance {what}: {instance!r}"
            return
    finally:
        sys.modules.pop(module_name, None)


def typecheck_all(outcomes: list[Outcome], folder: Path) -> list[str]:
    """One tsc run over every rendered settings.ts; the failures, by outcome name."""
    from tests.support.tsc_support import typecheck

    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Outcome] = {}
    for index, outcome in enumerate(outcomes):
        if outcome.typescript:
            name = f"s{index}.ts"
            (folder / name).write_text(outcome.typescript, encoding="utf-8")
            files[name] = outcome
    if not files:
        return []
    run = typecheck(folder, sorted(files))
    failed = sorted(
        {files[e.file].name + f" {e.code} line {e.line}" for e in run.errors if e.file in files}
    )
    if run.returncode != 0 and not failed:
        failed = [run.output[:2000]]
    return failed


def serve_all(schemas: Mapping[str, Any], folder: Path) -> list[Outcome]:
    """Check, render and prove every schema (tsc is separate: `typecheck_all`)."""
    outcomes = [Outcome(name, schema) for name, schema in schemas.items()]
    for index, outcome in enumerate(outcomes):
        outcome.accepted, outcome.codes, _ = check(outcome.schema, folder / f"k{index}")
    render(outcomes, folder / "render")
    for index, outcome in enumerate(outcomes):
        prove(outcome, folder / "modules", f"serve_settings_{index}")
    return outcomes
