"""A Hypothesis strategy for settings schemas (JSON Schema, draft-07 and 2020-12): nested
objects and arrays, `$defs` with `$ref` (recursion included), allOf/anyOf/oneOf, enums, const,
boolean schemas, patterns, formats, odd property and definition names (Python keywords and
builtins, the generated module's own imports, NFKC twins, non-identifiers), secrets, defaults
and examples. Most of what it draws passes `check`; what does not is simply not served.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"

#: Names the generated module or Python itself uses, names that NFKC folds together, and
#: names that are no identifiers at all.
ODD_NAMES = (
    "Any",
    "BaseModel",
    "Field",
    "SecretStr",
    "Annotated",
    "Enum",
    "RootModel",
    "Optional",
    "List",
    "Dict",
    "Union",
    "Literal",
    "str",
    "int",
    "float",
    "bool",
    "dict",
    "list",
    "bytes",
    "type",
    "object",
    "model_config",
    "model_dump",
    "model_fields",
    "model_validate",
    "model_",
    "schema",
    "json",
    "copy",
    "validate",
    "Config",
    "fields",
    "class",
    "def",
    "None",
    "True",
    "import",
    "from",
    "lambda",
    "match",
    "_private",
    "__dunder__",
    "_",
    "a b",
    "a-b",
    "2fa",
    "a.b",
    "a#b",
    "a/b",
    "a~b",
    "%41",
    "\uff46\uff4f\uff4f",
    "foo",
    "µ",
    "μ",
    "ﬁ",
    "fi",
    "\u210c",
    "H",
    "K",
    "\uff2b",
    "self",
    "cls",
    "Settings",
    "re",
    "_re",
    "typing",
    "pydantic",
    "annotations",
    "TypeAliasType",
    "AwareDatetime",
    "AnyUrl",
    "constr",
    "conint",
    "AfterValidator",
    "Extra",
    "ConfigDict",
    "SettingsDefinition",
    "x",
    "y",
    "é",
    "e\u0301",
    "",
)
_PATTERNS = ("^[a-z]+$", "^a", "x", "^[0-9]{2,4}$", "^(?!bad)[a-z]*$", "\\d+", "^\\p{L}+$")
_FORMATS = ("date-time", "date", "email", "uri", "uuid", "hostname", "ipv4", "password", "time")
_FORMATTED = {
    "date-time": "2020-01-01T00:00:00Z",
    "date": "2020-01-01",
    "email": "a@a.example",
    "uri": "https://a.example/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "hostname": "a.example",
    "ipv4": "127.0.0.1",
    "password": "p4ss",
    "time": "00:00:00Z",
}

_names = st.one_of(
    st.sampled_from(ODD_NAMES),
    st.from_regex(r"\A[a-z][a-z0-9_]{0,8}\Z"),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
_words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


def _annotate(schema: dict[str, Any], draw: Any, value: Any = None) -> dict[str, Any]:
    """Title, description, and (for a value of the schema) a default and examples."""
    if draw(st.booleans()):
        schema["title"] = draw(_words)
    if draw(st.integers(0, 3)) == 0:
        schema["description"] = draw(_words)
    if value is not None:
        if draw(st.booleans()):
            schema["default"] = value
        if draw(st.integers(0, 2)) == 0:
            schema["examples"] = [value]
    return schema


@st.composite
def _string(draw: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    value: Any = "abc"
    choice = draw(st.integers(0, 5))
    if choice == 0:
        schema["pattern"] = draw(st.sampled_from(_PATTERNS))
        value = None
    elif choice == 1:
        kind = draw(st.sampled_from(_FORMATS))
        schema["format"] = kind
        value = _FORMATTED[kind]
    elif choice == 2:
        values = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
        schema["enum"] = values
        value = values[0]
    elif choice == 3:
        schema["minLength"] = draw(st.integers(0, 3))
        schema["maxLength"] = draw(st.integers(3, 20))
    if draw(st.integers(0, 4)) == 0:
        schema["writeOnly"] = True
    return _annotate(schema, draw, value)


@st.composite
def _number(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "number"]))
    schema: dict[str, Any] = {"type": kind}
    value: Any = 1
    if draw(st.booleans()):
        schema["minimum"] = draw(st.integers(-5, 1))
        schema["maximum"] = draw(st.integers(1, 100))
    if draw(st.integers(0, 3)) == 0:
        values = draw(st.lists(st.integers(-3, 9), min_size=1, max_size=4, unique=True))
        schema["enum"] = values
        value = values[0]
    return _annotate(schema, draw, value)


@st.composite
def _scalar(draw: Any) -> Any:
    choice = draw(st.integers(0, 9))
    if choice <= 3:
        return draw(_string())
    if choice <= 5:
        return draw(_number())
    if choice == 6:
        return _annotate({"type": "boolean"}, draw, draw(st.booleans()))
    if choice == 7:
        return {"const": draw(st.one_of(_names, st.integers(-2, 2)))}
    if choice == 8:
        return draw(st.sampled_from([True, {}, {"type": "null"}, {"type": ["string", "null"]}]))
    return {
        "enum": draw(
            st.lists(st.one_of(_names, st.integers(0, 3)), min_size=1, max_size=3, unique=True)
        )
    }


def _pointer(container: str, name: str) -> str:
    escaped = name.replace("~", "~0").replace("/", "~1")
    return f"#/{container}/" + quote(escaped, safe="~!$&'()*+,;=:@-._")


def _compound(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: Any) -> Any:
        choice = draw(st.integers(0, 6))
        if choice <= 1:
            return draw(_object(children))
        if choice == 2:
            schema: dict[str, Any] = {"type": "array", "items": draw(children)}
            if draw(st.booleans()):
                schema["minItems"] = 0
                schema["maxItems"] = draw(st.integers(1, 5))
            return _annotate(schema, draw, [] if draw(st.booleans()) else None)
        key = draw(st.sampled_from(["allOf", "anyOf", "oneOf"]))
        if key == "allOf":
            # As schemas use it: objects merged, or one schema (a `$ref`) annotated. (An
            # `allOf` of unrelated types is merged loosely by the generator: not covered.)
            objects = st.lists(_object(children), min_size=1, max_size=3)
            return _annotate({key: draw(st.one_of(objects, children.map(lambda c: [c])))}, draw)
        members = draw(st.lists(children, min_size=1, max_size=3))
        return _annotate({key: members}, draw)

    return build()


@st.composite
def _object(draw: Any, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    properties = draw(st.dictionaries(_names, children, max_size=5))
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if properties:
        schema["required"] = draw(
            st.lists(st.sampled_from(sorted(properties)), unique=True, max_size=2)
        )
    if draw(st.integers(0, 3)) == 0:
        schema["additionalProperties"] = draw(st.sampled_from([False, True, {"type": "string"}]))
    return _annotate(schema, draw)


@st.composite
def settings_schemas(draw: Any) -> dict[str, Any]:
    """A whole settings schema: an object at the root, maybe with definitions and references."""
    dialect = draw(st.sampled_from([DRAFT7, DRAFT2020, None]))
    container = "definitions" if dialect == DRAFT7 else "$defs"
    names = draw(st.lists(_names, max_size=4, unique=True))
    refs = [_pointer(container, name) for name in names]
    leaves = _scalar()
    if refs:
        ref_leaf = st.sampled_from(refs).map(lambda ref: {"$ref": ref})
        leaves = st.one_of(leaves, ref_leaf)
    tree = st.recursive(leaves, _compound, max_leaves=8)
    definitions = {}
    for name in names:
        definitions[name] = draw(tree)
    # An enum definition used through `allOf` beside another keyword, and secrets via `$ref`.
    if draw(st.integers(0, 3)) == 0:
        definitions["Region"] = {"type": "string", "enum": ["us", "eu"]}
        refs.append(_pointer(container, "Region"))
    root = draw(_object(tree))
    if "Region" in definitions:
        root["properties"]["region"] = {
            "allOf": [{"$ref": _pointer(container, "Region")}],
            "description": "where",
            "default": "eu",
        }
    if draw(st.integers(0, 4)) == 0:
        twins = draw(
            st.sampled_from(
                [("foo", "\uff46\uff4f\uff4f"), ("µ", "μ"), ("fi", "ﬁ"), ("K", "\uff2b")]
            )
        )
        for twin in twins:
            root["properties"][twin] = {"type": "string"}
    if definitions:
        root[container] = definitions
    if dialect is not None:
        root["$schema"] = dialect
    return root
