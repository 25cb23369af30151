"""`settings.py`: pydantic v2 models of the settings schema, by datamodel-code-generator.

The generator runs in-process on a prepared copy of `Settings.schema` with every option pinned
(`_options`); its output is not formatted here (`formatters=[]`): the batch's one ruff pass
(backfill_codegen/format.py) does that. A connector without a settings schema gets no `settings.py`.
The root model is the class `Settings` (a `RootModel` when the root is a union or a bare `$ref`).

What we do around the generator, and why:

- Secrets (`writeOnly: true` or `format: password`, see `settings_schema.is_secret`) become
  `SecretStr`: a string secret gets `format: password` in the copy, which the generator maps to
  `SecretStr`. pydantic cannot put a `pattern` on `SecretStr`, so a secret's pattern is moved to
  a marker key the generator carries into `Field(json_schema_extra=...)`, and `_post_process`
  turns each marker into an `AfterValidator` (`_secret_pattern(...)`, a helper written into the
  module) that checks the value with Python's `re.search` and never echoes it. A secret's string
  default becomes `SecretStr("...")` (pydantic does not validate defaults; `generate` never gets
  one: BF409, and the lowering leaves secrets' values out). A secret the generator writes without
  a `Field` (an array item, a union member) keeps no pattern: a comment says so. A secret marked
  beside a `$ref` gets the `type` the reference gives it (the generator needs it beside `format`).
- Errors: pydantic keeps every invalid input in `errors()` and `json()` (`hide_input_in_errors`
  covers `str(e)` only), and a `missing` error's input is the whole object, secrets included. So
  when the schema has any secret, the root model re-raises each ValidationError through
  `_without_inputs` (written into the module) with every input masked.
- Patterns: JSON Schema patterns are ECMA-262, and the dashboard runs them as
  `new RegExp(pattern, "u").test(value)`. Each one goes into the model as its translation
  (domain/ecma_translate.py), which means the same in Python's `re` and in Rust's `regex`:
  explicit classes for `.`, `\\d`, `\\w`, `\\s`, `\\b`, `\\Z` for `$`. pydantic compiles a
  pattern with Rust's `regex` unless the model says `regex_engine="python-re"`, which the
  generator sets when a pattern needs it (`\\Z` and look-arounds do). A pattern without a
  faithful translation (BF512 at check time), or that the engine it will meet cannot compile
  (`pattern_problems`), is left out of the model and named in a comment at the top of the file:
  the dashboard still enforces it (it validates with the JSON Schema itself).
- Property names that are not Python identifiers (`api-key`, `2fa`, `class`, `model_config`)
  get the generator's safe names with `alias=` the original; pydantic validates by alias, so the
  dashboard's JSON (original names) validates as is, and `model_dump(by_alias=True)` gives it back.
  Population by the Python name is off: one name on the wire.
- OpenAPI's `discriminator` is dropped (no JSON Schema keyword; a tagged union would be
  stricter than the schema). Formats: `email` stays `str` (`EmailStr` needs email-validator);
  others keep the generator's types (`date-time` is `AwareDatetime`, `uri` is `AnyUrl`).
- Nothing outside the schema is read (`_keep_local`); the generator's header (file name,
  version, time stamp) is replaced by our notice line.

`generate_settings_module` takes one schema and imports datamodel_code_generator only when it
is called, so `check` never loads it.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from backfill_codegen import deep_stack, ir
from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain import settings_generable
from backfill_codegen.domain.ecma_translate import to_python, untranslatable
from backfill_codegen.domain.schema_values import declared_types
from backfill_codegen.domain.settings_schema import is_secret, types_of, views, walk
from backfill_codegen.emit.escape import comment_text
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.rules.generable import SETTINGS_SCHEMA_NOT_GENERATABLE

FILENAME = "settings.py"
#: The name the generator is told the schema came from (it never reads a file).
INPUT_FILENAME = "settings.schema.json"
#: The root model's class name.
CLASS_NAME = "Settings"
#: Where a secret's pattern waits, in the prepared copy, for `_post_process`.
_SECRET_PATTERN_KEY = "x-backfill-secret-pattern"
#: The helper written into a module that has a secret with a pattern.
_HELPER_NAME = "_secret_pattern"
_HELPER = f'''

def {_HELPER_NAME}(pattern: str, written: str) -> _AfterValidator:
    """The `pattern` of a secret: pydantic's own constraint does not apply to SecretStr.
    `pattern` is the schema's ECMA-262 pattern `written`, translated for Python's `re`."""
    compiled = _re.compile(pattern)

    def check(value: SecretStr | None) -> SecretStr | None:
        if value is not None and compiled.search(value.get_secret_value()) is None:
            raise ValueError(f"String should match pattern {{written!r}}")  # never the value
        return value

    return _AfterValidator(check)
'''
#: Written into a module whose schema has a secret: pydantic keeps every invalid input (a
#: secret's, or a whole object holding one, as the input of a `missing` error) in `errors()` and
#: `json()`, which `hide_input_in_errors` does not cover. The root model re-raises each
#: ValidationError through `_without_inputs`, so no representation of it holds an input.
_HIDDEN_INPUT_HELPER = """

_HIDDEN_INPUT = "**********"


def _without_inputs(error: _ValidationError) -> _ValidationError:
    \"\"\"`error` with every input masked, in `str`, `errors()` and `json()` alike.\"\"\"
    details: list[_Any] = []
    for item in error.errors(include_url=False, include_input=False):
        detail: dict[str, _Any] = {"type": item["type"], "loc": item["loc"], "input": _HIDDEN_INPUT}
        if "ctx" in item:
            detail["ctx"] = item["ctx"]
        try:
            _ValidationError.from_exception_data(error.title, [detail])
        except Exception:  # a custom error type: keep its name and message
            custom = _PydanticCustomError(item["type"], item["msg"])
            detail = {"type": custom, "loc": item["loc"], "input": _HIDDEN_INPUT}
        details.append(detail)
    return _ValidationError.from_exception_data(error.title, details, hide_input=True)
"""
_HIDDEN_INPUT_IMPORTS = (
    "from typing import Any as _Any\n"
    "from pydantic import ValidationError as _ValidationError\n"
    "from pydantic import model_validator as _model_validator\n"
    "from pydantic_core import PydanticCustomError as _PydanticCustomError\n"
)
#: The root model's guard: every way in (`Settings(...)`, `model_validate*`, a TypeAdapter, a
#: FastAPI body) runs the wrap validator; `model_validate_json` can fail before it, on bad JSON
#: whose error input is the whole text.
_HIDDEN_INPUT_METHODS = """
@_model_validator(mode="wrap")
@classmethod
def _without_secret_inputs(cls, data: _Any, handler: _Any) -> _Any:
    try:
        return handler(data)
    except _ValidationError as error:
        raise _without_inputs(error) from None

@classmethod
def model_validate_json(cls, json_data: _Any, **options: _Any) -> _Any:
    try:
        return super().model_validate_json(json_data, **options)
    except _ValidationError as error:
        raise _without_inputs(error) from None
"""
# Private names: a schema's `$defs` may name a model `AfterValidator` or `Re`; `SecretStr` is
# imported by the generator (which keeps model names off it) wherever a secret has a pattern.
_HELPER_IMPORTS = "import re as _re\nfrom pydantic import AfterValidator as _AfterValidator\n"


class SettingsModelError(RuntimeError):
    """datamodel-code-generator failed on a schema that passed the checks (a bug to report)."""


def emit(connector: ir.Connector) -> dict[str, str]:
    if connector.settings is None:
        return {}
    return {FILENAME: generate_settings_module(json.loads(connector.settings.schema_json))}


# --- Preparing the schema copy. ----------------------------------------------------------------


@dataclass
class Prepared:
    schema: dict[str, Any]
    #: Secret patterns moved to the marker key, by marker value ("0", "1", ... in walk order).
    secret_patterns: dict[str, tuple[JsonPath, str]] = field(default_factory=dict)
    #: `model_name_map` for the generator: definitions that would take the root's name.
    model_names: dict[str, str] = field(default_factory=dict)
    #: Patterns left out of the model: (path, pattern, why).
    dropped: list[tuple[JsonPath, str, str]] = field(default_factory=list)
    #: Whether any subschema is a secret (of any type): then errors carry no input.
    has_secrets: bool = False


def _string_type(root: Any, schema: Mapping[str, Any], path: JsonPath) -> Any:
    """The string `type` that applies to `schema` (its own, or one its `$ref` chain or `allOf`
    reaches), or None."""
    return next((t for t in types_of(root, schema, path) if _is_string_schema({"type": t})), None)


def _secret_out_of_walk(root: Any, schema: Any, path: JsonPath, walked: set[JsonPath]) -> bool:
    """Whether `schema` is a secret through a `$ref` to a schema the walk does not visit (one
    under an `x-...` key): that target never gets `format: password` itself."""
    return any(is_secret(view) and at not in walked for at, view in views(root, schema, path))


def _is_string_schema(schema: Mapping[str, Any]) -> bool:
    return "string" in (declared_types(schema) or ())


def _python_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as error:
        return f"Python's re cannot compile it ({error})"
    return None


def _rust_error(pattern: str) -> str | None:
    # start-up: pydantic-core only in the settings emitter's run
    from pydantic_core import (
        SchemaError,
        SchemaValidator,
        core_schema,
    )

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return "pydantic's regex engine (Rust) cannot compile it"
    return None


def _needs_python_engine(pattern: str) -> bool:
    """Whether the generator switches the model holding `pattern` to `regex_engine="python-re"`
    (a look-around, or syntax Rust rejects): its own static scan, pinned with the generator."""
    # start-up: datamodel-code-generator (~0.3 s) loads only when settings.py is generated
    from datamodel_code_generator._regex_syntax import needs_python_engine

    return needs_python_engine(pattern, row="model")


def python_pattern(pattern: str) -> str:
    """What the model carries for an ECMA-262 `pattern`: its translation (call only for a
    pattern `pattern_problems` has no problem with)."""
    return to_python(pattern)


def pattern_problems(patterns: list[str], secrets: list[str]) -> dict[str, str]:
    """Why the model cannot carry each pattern it cannot carry, by ECMA-262 pattern.

    The model carries each pattern's translation (`python_pattern`); one without a faithful
    translation is a problem. A secret's pattern is checked by our helper with Python's `re`.
    Any other pattern is checked by pydantic: with Python's `re` in a model the generator
    switches to `python-re`, otherwise with Rust's regex. Which model a pattern lands in is the
    generator's business, so: when some pattern of the schema needs `re`, every pattern must
    compile with both engines; when none does, Rust's is the only one that runs."""
    problems: dict[str, str] = {}
    for pattern in [*patterns, *secrets]:
        if (why := untranslatable(pattern)) is not None:
            problems[pattern] = f"no faithful Python translation: {why}"
    translated = {p: python_pattern(p) for p in [*patterns, *secrets] if p not in problems}
    secrets = [p for p in secrets if p not in problems]
    patterns = [p for p in patterns if p not in problems]
    for pattern in secrets:
        if (error := _python_error(translated[pattern])) is not None:
            problems[pattern] = error
    python_models = False
    for pattern in patterns:
        if _needs_python_engine(translated[pattern]):
            if (error := _python_error(translated[pattern])) is not None:
                problems[pattern] = error
            else:
                python_models = True
    for pattern in patterns:
        if pattern in problems or _needs_python_engine(translated[pattern]):
            continue
        python = translated[pattern]
        error = _rust_error(python) or (_python_error(python) if python_models else None)
        if error is not None:
            problems[pattern] = error
    return problems


def _keep_local(node: dict[str, Any], path: JsonPath) -> None:
    """Nothing outside the schema may be read: the checks reject such a `$ref` (BF405), and a
    generator that followed one would read the network or the working directory. A resource
    `$id` is dropped so that `#/...` always means the settings schema's root, as the checks
    resolved it (an anchor-style `$id: "#name"` stays)."""
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        raise SettingsModelError(f"a $ref outside the settings schema at {_pointer(path)}: {ref}")
    resource = node.get("$id")
    if isinstance(resource, str) and not resource.startswith("#"):
        del node["$id"]


def _drop_discriminator(node: dict[str, Any]) -> None:
    """OpenAPI's `discriminator` is no JSON Schema keyword: the dashboard ignores it, but the
    generator would make a tagged union that rejects a choice without its tag property (which
    the schema may not require). Without it, pydantic tries each choice, as `oneOf` does."""
    node.pop("discriminator", None)


def _definitions_named_like_the_root(schema: Mapping[str, Any]) -> dict[str, str]:
    """The generator gives `$defs/Settings` the name `Settings` and renames the root, and takes
    a `.` in a definition's name for a module path (`a.b` is class `B` of module `a`, and the
    output is no longer one module): map such definitions (by JSON pointer, which the
    generator's `model_name_map` takes) to names of our own."""
    names: dict[str, str] = {}
    for container in ("$defs", "definitions"):
        definitions = schema.get(container)
        if not isinstance(definitions, Mapping):
            continue
        for key in definitions:
            if not isinstance(key, str):
                continue
            if re.sub(r"[^0-9a-z]", "", key.lower()) == "settings" or "." in key:
                names[_pointer((container, key))] = f"{CLASS_NAME}Definition{len(names) or ''}"
    return names


@dataclass(frozen=True)
class _Found:
    """A pattern in the copy: `holder[key]` is it (a `pattern`, or a `patternProperties` key)."""

    holder: dict[str, Any]
    key: str
    pattern: str
    secret: bool
    path: JsonPath  # of the `pattern` keyword, or of the `patternProperties` object


def prepare(schema: Mapping[str, Any]) -> Prepared:
    """A copy of `schema` for the generator: secrets as `format: password`, secret patterns
    behind the marker key, patterns the model cannot carry removed (and recorded)."""
    prepared = Prepared(settings_generable.for_generator(schema))
    prepared.model_names = _definitions_named_like_the_root(prepared.schema)
    subschemas = list(walk(prepared.schema))  # collected first: the loop below edits them
    walked = {sub.path for sub in subschemas}
    found: list[_Found] = []
    for sub in subschemas:
        node = sub.schema
        if not isinstance(node, dict):
            continue
        _keep_local(node, sub.path)
        _drop_discriminator(node)
        marked = is_secret(node) or _secret_out_of_walk(prepared.schema, node, sub.path, walked)
        prepared.has_secrets = prepared.has_secrets or marked
        secret = marked and _string_type(prepared.schema, node, sub.path) is not None
        if secret:
            members = node.get("allOf")
            if (
                "$ref" not in node
                and isinstance(members, list)
                and len(members) == 1
                and isinstance(members[0], dict)
                and list(members[0]) == ["$ref"]
            ):
                # The generator drops `format` when it merges an `allOf`; `$ref` with siblings
                # keeps it. One member that is only a `$ref` means the same.
                node["$ref"] = node.pop("allOf")[0]["$ref"]
            node["format"] = "password"
            # The type may come through `$ref` or `allOf`; the generator maps `format: password`
            # to SecretStr only beside a `type` (without it, the secret was a plain `str`).
            node.setdefault("type", _string_type(prepared.schema, node, sub.path))
        if isinstance(node.get("pattern"), str):
            found.append(_Found(node, "pattern", node["pattern"], secret, (*sub.path, "pattern")))
        keyed = node.get("patternProperties")
        if isinstance(keyed, dict):  # the generator writes each key as a pattern of a dict key
            where = (*sub.path, "patternProperties")
            found.extend(_Found(keyed, key, key, False, where) for key in keyed)
    problems = pattern_problems(
        [item.pattern for item in found if not item.secret],
        [item.pattern for item in found if item.secret],
    )
    keys: dict[int, dict[str, str]] = {}  # patternProperties objects: ECMA key -> new key
    for item in found:
        problem = problems.get(item.pattern)
        if problem is not None:
            # Looser, never stricter: the dashboard checks the pattern against the schema.
            if item.key == "pattern":
                del item.holder[item.key]
            else:
                keys.setdefault(id(item.holder), {})[item.key] = ""
            prepared.dropped.append((item.path, item.pattern, problem))
        elif item.secret:
            del item.holder[item.key]
            marker = str(len(prepared.secret_patterns))
            item.holder[_SECRET_PATTERN_KEY] = marker
            prepared.secret_patterns[marker] = (item.path, item.pattern)
        elif item.key == "pattern":
            item.holder[item.key] = python_pattern(item.pattern)
        else:
            keys.setdefault(id(item.holder), {})[item.key] = python_pattern(item.pattern)
    for item in found:
        renamed = keys.pop(id(item.holder), None)
        if renamed is not None:
            _rename_keys(item.holder, renamed, item.path, prepared)
    return prepared


def _rename_keys(
    keyed: dict[str, Any], renamed: Mapping[str, str], path: JsonPath, prepared: Prepared
) -> None:
    """Rewrite a `patternProperties` object in place, in order: each key becomes its Python
    translation ("" drops it). Two keys with one translation mean the same pattern in Python
    but carry two subschemas: the second is left out (looser, never stricter)."""
    entries = list(keyed.items())
    keyed.clear()
    for key, value in entries:
        new = renamed.get(key, key)
        if not new:
            continue
        if new in keyed:
            prepared.dropped.append((path, key, "its Python translation repeats another key's"))
            continue
        keyed[new] = value


# --- Running the generator. --------------------------------------------------------------------


def _options(*, type_aliases: bool, model_names: Mapping[str, str]) -> dict[str, Any]:
    # start-up: datamodel-code-generator (~0.3 s) loads only when settings.py is generated
    from datamodel_code_generator import (
        DataModelType,
        InputFileType,
        PythonVersion,
    )
    from datamodel_code_generator.enums import DefaultValueType  # start-up: as above

    return {
        "input_file_type": InputFileType.JsonSchema,
        "input_filename": INPUT_FILENAME,
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "target_python_version": PythonVersion.PY_311,
        "class_name": CLASS_NAME,
        "model_name_map": dict(model_names) or None,
        # Formatting is the batch's one ruff pass; no time stamp, version or command line.
        "formatters": [],
        "disable_timestamp": True,
        "enable_version_header": False,
        "enable_command_header": False,
        "custom_file_header": f"# {NOTICE}",
        # Annotated[..., Field(...)] with constraints as Field keywords.
        "use_annotated": True,
        "field_constraints": True,
        # Titles and descriptions: Field(title=, description=) and class docstrings.
        "use_schema_description": True,
        "use_field_description": False,  # a docstring would not reach model_fields[...].description
        # An enum default is the member (`Region.us`), not the bare string.
        "deserialize_default_values": [DefaultValueType.Enum],
        "capitalise_enum_members": False,  # members keep the value's spelling: `safe_mode`
        # A field with a default does not take null (`int = 100`, not `int | None = 100`).
        "strict_nullable": True,
        # A constrained item or a named union is a type alias (`Tag = TypeAliasType(...)`), so
        # values are plain `str`, not RootModel instances.
        "collapse_root_models": True,
        "use_type_alias": type_aliases,
        # Names: the path's names (`Auth`, `Auth1`), not titles, which collide and change often.
        "use_title_as_name": False,
        "use_double_quotes": True,
        "field_extra_keys": {_SECRET_PATTERN_KEY},
        # `EmailStr` needs the email-validator package: the module must import with pydantic alone.
        "type_mappings": ["string+email=string", "string+idn-email=string"],
        # Nothing outside the schema is ever read (BF405 rejects such references anyway).
        "allow_remote_refs": False,
    }


def _generate(prepared: Prepared, *, type_aliases: bool) -> str:
    from datamodel_code_generator import generate  # start-up: settings.py only

    # The generator reads a JSON text as it would a file; warnings (constraints it cannot place,
    # deprecations) are ours to handle, not the user's to read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = _run_generator(generate, prepared, type_aliases=type_aliases)
        except Exception as error:  # the generator has many error types; report any of them
            raise SettingsModelError(f"datamodel-code-generator failed: {error}") from error
    if not isinstance(result, str):
        raise SettingsModelError("datamodel-code-generator returned more than one module")
    return result


def _run_generator(generate: Any, prepared: Prepared, *, type_aliases: bool) -> Any:
    """The generator on a deep stack (a schema nested as deep as the limits allow), with an
    ASCII field name for each property Python would fold into another (NFKC)."""
    options = _options(type_aliases=type_aliases, model_names=prepared.model_names)
    options["aliases"] = settings_generable.field_aliases(prepared.schema) or None
    text = json.dumps(prepared.schema, ensure_ascii=False)
    return deep_stack.deeply(lambda: generate(text, **options))


def _without_alias_validate_default(code: str) -> str:
    """The generator puts `Field(validate_default=True)` on a definition with a structured
    default even where the definition is a `TypeAliasType`, which has no default to validate:
    pydantic warns at import. Take the keyword out there (fields keep theirs)."""
    if "validate_default" not in code:
        return code
    tree = ast.parse(code)
    edits = _Edits(code, _offsets(code))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "TypeAliasType"
        ):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id == "Field"
                and any(k.arg == "validate_default" for k in inner.keywords)
            ):
                kept = [k for k in inner.keywords if k.arg != "validate_default"]
                call = ast.Call(inner.func, inner.args, kept)
                edits.spans.append((*edits.span(inner), ast.unparse(call)))
    return edits.apply() if edits.spans else code


def assert_generable(schema: Mapping[str, Any]) -> None:
    """The check-time predicate (BF413), asserted: `check` has reported any problem, so one
    here means a caller skipped the checks."""
    found = settings_generable.problems(schema)
    if found:
        where = _pointer(found[0].path)
        code = SETTINGS_SCHEMA_NOT_GENERATABLE.code
        raise SettingsModelError(f"not generatable ({code}) at {where}: {found[0].message}")


def _has_root_class(code: str) -> bool:
    return any(
        isinstance(statement, ast.ClassDef) and statement.name == CLASS_NAME
        for statement in ast.parse(code).body
    )


# --- After the generator. ----------------------------------------------------------------------


def _marker_of(call: ast.expr) -> str | None:
    """The marker a `Field(..., json_schema_extra={MARKER_KEY: "n"})` call carries."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        return None
    if call.func.id != "Field":
        return None
    for keyword in call.keywords:
        if keyword.arg == "json_schema_extra" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == _SECRET_PATTERN_KEY
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    return value.value
    return None


def _without_marker(call: ast.Call) -> ast.Call | None:
    """`call` without the marker entry (None when nothing else is left in it)."""
    keywords = []
    for keyword in call.keywords:
        if keyword.arg == "json_schema_extra" and isinstance(keyword.value, ast.Dict):
            pairs = [
                (k, v)
                for k, v in zip(keyword.value.keys, keyword.value.values, strict=True)
                if not (isinstance(k, ast.Constant) and k.value == _SECRET_PATTERN_KEY)
            ]
            if not pairs:
                continue
            keyword = ast.keyword(
                arg=keyword.arg,
                value=ast.Dict(keys=[k for k, _ in pairs], values=[v for _, v in pairs]),
            )
        keywords.append(keyword)
    if not keywords and not call.args:
        return None
    return ast.Call(func=call.func, args=call.args, keywords=keywords)


def _offsets(code: str) -> list[int]:
    """Character offset of each line's start; ast counts lines at `\\n` only in our output."""
    starts = [0]
    end = code.find("\n")
    while end >= 0:
        starts.append(end + 1)
        end = code.find("\n", end + 1)
    return starts


def _char_offset(code: str, starts: list[int], line: int, byte_column: int) -> int:
    start = starts[line - 1]
    end = code.find("\n", start)
    text = code[start : end if end >= 0 else len(code)]
    return start + len(text.encode("utf-8")[:byte_column].decode("utf-8"))


def _with_secret_patterns(node: ast.AST, patterns: Mapping[str, tuple[JsonPath, str]]) -> set[str]:
    """Rewrite, in place, a marked `Annotated[SecretStr, Field(..marker..)]` into
    `Annotated[SecretStr, Field(..), _secret_pattern(PATTERN)]`; the markers it attached."""
    if not (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Annotated"
        and isinstance(node.slice, ast.Tuple)
    ):
        return set()
    attached: set[str] = set()
    elements: list[ast.expr] = []
    validators: list[ast.expr] = []
    for element in node.slice.elts:
        marker = _marker_of(element)
        if marker is None or marker not in patterns or not isinstance(element, ast.Call):
            elements.append(element)
            continue
        attached.add(marker)
        rest = _without_marker(element)
        if rest is not None:
            elements.append(rest)
        written = patterns[marker][1]
        pattern = ast.Constant(python_pattern(written))
        call = ast.Call(ast.Name(_HELPER_NAME), args=[pattern, ast.Constant(written)], keywords=[])
        validators.append(call)
    if validators:
        node.slice.elts = elements + validators
    return attached


def _is_secret_default(statement: ast.stmt) -> bool:
    """`name: <...SecretStr...> = "text"`: pydantic does not validate a default, so the field
    would hold a plain `str` (its repr showing the text) until the default is a SecretStr."""
    return (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        and any(
            isinstance(name, ast.Name) and name.id == "SecretStr"
            for name in ast.walk(statement.annotation)
        )
    )


def _root_class(tree: ast.Module) -> ast.ClassDef | None:
    return next(
        (s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == CLASS_NAME), None
    )


def _uses_secrets(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Name) and node.id == "SecretStr" for node in ast.walk(tree))


@dataclass
class _Edits:
    """Text edits by character offsets into one version of the code, applied together."""

    code: str
    starts: list[int]
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def span(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = _char_offset(self.code, self.starts, node.lineno, node.col_offset)
        return start, _char_offset(self.code, self.starts, node.end_lineno, node.end_col_offset)

    def apply(self) -> str:
        code = self.code
        previous_start = len(code) + 1
        for start, end, text in sorted(self.spans, reverse=True):
            if end > previous_start:
                raise SettingsModelError("overlapping edits to the generated code")  # a bug
            code = code[:start] + text + code[end:]
            previous_start = start
        return code


def _hide_input_in_errors(root: ast.ClassDef, edits: _Edits) -> bool:
    """Set `hide_input_in_errors=True` on the root model, whose config decides how a
    ValidationError prints: pydantic prints each bad input, a mistyped secret included; and give
    it the guard that takes every input out of `errors()` and `json()` too.
    Returns whether `_ConfigDict` must be imported (the root had no model_config)."""
    indent = " " * root.body[-1].col_offset
    assert root.end_lineno is not None
    at = edits.starts[root.end_lineno] if root.end_lineno < len(edits.starts) else len(edits.code)
    methods = "".join(
        f"{indent}{line}\n" if line else "\n" for line in _HIDDEN_INPUT_METHODS.split("\n")[:-1]
    )
    edits.spans.append((at, at, methods))
    for statement in root.body:
        if (
            isinstance(statement, ast.Assign)
            and [getattr(t, "id", None) for t in statement.targets] == ["model_config"]
            and isinstance(statement.value, ast.Call)
        ):
            call = statement.value
            hidden = ast.keyword("hide_input_in_errors", ast.Constant(True))
            replacement = ast.Call(call.func, call.args, [*call.keywords, hidden])
            edits.spans.append((*edits.span(call), ast.unparse(replacement)))
            return False
    body = root.body
    documented = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    first = body[1] if documented and len(body) > 1 else body[0]
    at = edits.starts[first.lineno - 1]
    indent = " " * first.col_offset
    edits.spans.append((at, at, f"{indent}model_config = _ConfigDict(hide_input_in_errors=True)\n"))
    return True


def _post_process(
    code: str, patterns: Mapping[str, tuple[JsonPath, str]], secrets: bool = False
) -> tuple[str, set[str]]:
    """What the generator cannot write: secret patterns, secret defaults, and inputs hidden from
    error messages when there are secrets. Returns the code and the secret-pattern markers
    attached."""
    tree = ast.parse(code)
    edits = _Edits(code, _offsets(code))
    annotations: list[ast.Subscript] = []
    attached: set[str] = set()
    for node in ast.walk(tree):
        if markers := _with_secret_patterns(node, patterns):
            attached |= markers
            annotations.append(cast(ast.Subscript, node))
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if _is_secret_default(statement):
                    assert isinstance(statement, ast.AnnAssign) and statement.value is not None
                    secret = ast.Call(ast.Name("SecretStr"), args=[statement.value], keywords=[])
                    edits.spans.append((*edits.span(statement.value), ast.unparse(secret)))
    # The outermost edited annotations (their new text includes any nested edit).
    annotated = sorted(((*edits.span(node), node) for node in annotations), key=lambda s: s[:2])
    outer_end = -1
    for start, end, node in annotated:
        if start >= outer_end:
            edits.spans.append((start, end, ast.unparse(node)))
            outer_end = end
    imports = _HELPER_IMPORTS if attached else ""
    definitions = _HELPER if attached else ""
    root = _root_class(tree)
    if root is not None and (secrets or _uses_secrets(tree)):
        if _hide_input_in_errors(root, edits):
            imports += "from pydantic import ConfigDict as _ConfigDict\n"
        imports += _HIDDEN_INPUT_IMPORTS
        definitions += _HIDDEN_INPUT_HELPER
    if not edits.spans:
        return code, attached
    return _add_after_imports(edits.apply(), imports, definitions), attached


def _add_after_imports(code: str, imports: str, definitions: str) -> str:
    """Add imports and definitions after the module's leading imports (ruff sorts them)."""
    tree = ast.parse(code)
    last_import = 0
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            last_import = statement.end_lineno or statement.lineno
        elif not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
            break
    parts = code.split("\n")  # ast's lines end at `\n` only (not at U+2028, as splitlines')
    lines = [part + "\n" for part in parts[:-1]] + [parts[-1]]
    head, tail = lines[:last_import], lines[last_import:]
    return "".join(head) + imports + definitions + "\n" + "".join(tail)


def _visible(text: str) -> str:
    """`text` with every character that is not printable (line separators, bidi overrides,
    controls) written as an escape; in a string literal the value is unchanged."""
    return "".join(
        char
        if char.isprintable()
        else f"\\u{ord(char):04x}"
        if ord(char) <= 0xFFFF
        else f"\\U{ord(char):08x}"
        for char in text
    )


def _escape_invisible(code: str) -> str:
    """Escape what a reader cannot see (U+2028, right-to-left overrides, a raw carriage return)
    inside the generator's string literals, docstrings above all: the code then shows what it
    does (no "Trojan Source" reordering) and each value stays exactly the same."""
    starts = _offsets(code)
    edits: list[tuple[int, int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type != tokenize.STRING:
            continue
        prefix = token.string[: len(token.string) - len(token.string.lstrip("bBrRuUfF"))]
        if set(prefix.lower()) & {"f", "b"}:
            continue  # formatted and bytes literals: the generator writes none of these
        if "r" in prefix.lower():  # a raw literal (a regex) cannot escape: write its repr
            visible = all(char.isprintable() for char in token.string)
            escaped = token.string if visible else repr(ast.literal_eval(token.string))
        else:
            escaped = "\n".join(_visible(line) for line in token.string.split("\n"))
        if escaped != token.string:
            start = starts[token.start[0] - 1] + token.start[1]
            edits.append((start, start + len(token.string), escaped))
    for start, end, text in reversed(edits):
        code = code[:start] + text + code[end:]
    return code


def _notes(prepared: Prepared, unattached: list[tuple[JsonPath, str]]) -> str:
    """Comment lines naming what the model does not check, for its reader."""
    lines = []
    for path, pattern, why in prepared.dropped:
        lines.append(f"#   {_pointer(path)} {pattern!r}: {why}")
    for path, pattern in unattached:
        why = "a secret the generator writes without a Field (in a union or an array)"
        lines.append(f"#   {_pointer(path)} {pattern!r}: {why}")
    if not lines:
        return ""
    intro = "# Not checked by these models (the dashboard checks them against the schema):"
    return "\n".join([intro, *(comment_text(_visible(line)) for line in lines)]) + "\n"


def _pointer(path: JsonPath) -> str:
    return "#" + "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def generate_settings_module(schema: Mapping[str, Any]) -> str:
    """`settings.py` for one settings schema (unformatted: see backfill_codegen/format.py)."""
    assert_generable(schema)
    prepared = prepare(schema)
    code = _generate(prepared, type_aliases=True)
    if not _has_root_class(code):
        # A root that is a union or a bare `$ref` would be a type alias: make it a RootModel.
        code = _generate(prepared, type_aliases=False)
        if not _has_root_class(code):
            raise SettingsModelError(f"datamodel-code-generator wrote no class {CLASS_NAME}")
    # A raw CR in a literal is a line break to `ast` but not to the edits' line table: escape
    # first, so that `_post_process` edits the lines `ast` numbers (it wrote broken code).
    code = _escape_invisible(code)
    code = _without_alias_validate_default(code)
    code, attached = _post_process(code, prepared.secret_patterns, prepared.has_secrets)
    visible = _escape_invisible(code)
    # A raw CR inside a literal is read back as LF (universal newlines) while its escape keeps
    # the author's CR, so compare with both spellings of CR taken out. (Nothing escaped: nothing
    # to compare.)
    if visible != code and ast.dump(ast.parse(visible.replace("\\u000d", ""))) != ast.dump(
        ast.parse(code.replace("\r", ""))
    ):
        raise SettingsModelError("escaping invisible characters changed a value")  # a bug
    code = visible
    unattached = [v for k, v in prepared.secret_patterns.items() if k not in attached]
    header = f"# {NOTICE}\n"
    if not code.startswith(header):
        raise SettingsModelError("datamodel-code-generator did not write the header it was given")
    return header + _notes(prepared, unattached) + code[len(header) :]


#: A small schema that takes the generator through its lazily imported parts (enum, nested
#: model, secret, pattern, array, union), for `warm_up`.
_WARM_UP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "region": {"type": "string", "enum": ["us", "eu"], "default": "us"},
        "token": {"type": "string", "writeOnly": True, "pattern": "^t_"},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "limit": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "auth": {"type": "object", "properties": {"user": {"type": "string"}}},
    },
    "required": ["token"],
}


def warm_up() -> None:
    """Import datamodel-code-generator and run it once (its first run loads more modules), so
    that workers forked afterwards share all of it. The output is thrown away."""
    generate_settings_module(_WARM_UP_SCHEMA)
