"""No validator the compiler builds can fetch a schema (issue 10, class 1).

Every validator comes from backfill_codegen/offline.py, whose retriever refuses every URI. The tests
generate settings schemas holding remote references of every form (`$ref`, `$dynamicRef`,
`$recursiveRef`; absolute, scheme-relative, relative, `file:`, `urn:`, and local `#` ones under
a remote base), under `$id`/`id` bases, nested in properties, items, allOf, anyOf and
definitions, next to defaults that get validated, in every dialect; then run every settings
check (and the validators directly) with every socket call recorded. A trap that only raised
would not do: the checks swallow errors, which is how the fetch went unnoticed before.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import offline
from backfill_codegen.checks import settings as settings_checks
from backfill_codegen.checks import settings_fast
from backfill_codegen.domain.settings_schema import KNOWN_DIALECTS, dialect_of

REMOTE_TARGETS = (
    "https://schemas.evil.example/x.json",
    "http://evil.example/defs.json#/definitions/a",
    "//evil.example/x.json",
    "other.json",
    "other.json#/definitions/x",
    "../up/schema.json",
    "file:///etc/passwd",
    "urn:evil:schema",
    "https://json-schema.org/draft/2020-12/not-bundled",
)
#: Local forms: under a remote base they name the base's document.
LOCAL_TARGETS = ("#", "#/definitions/missing", "#/$defs/missing", "#anchor", "#/properties")
BASES: tuple[tuple[str, str] | None, ...] = (
    None,
    ("$id", "https://base.evil.example/root.json"),
    ("id", "http://base.evil.example/root.json"),
    ("$id", "relative/base.json"),
    ("id", "relative.json"),
    ("$id", "urn:base:evil"),
)
REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
DEFAULTS = st.sampled_from(["text", 1, None, {"a": 1}, [1, "x"], True])


@st.composite
def ref_schemas(draw: st.DrawFn) -> dict[str, Any]:
    keyword = draw(st.sampled_from(REF_KEYWORDS))
    target = draw(st.sampled_from(REMOTE_TARGETS + LOCAL_TARGETS))
    node: dict[str, Any] = {keyword: target, "default": draw(DEFAULTS)}
    if draw(st.booleans()):
        node["type"] = draw(st.sampled_from(["string", "object", "integer"]))
    base = draw(st.sampled_from(BASES))
    if base is not None and draw(st.booleans()):
        node[base[0]] = base[1]
    for _ in range(draw(st.integers(0, 4))):
        wrap = draw(st.sampled_from(["properties", "items", "allOf", "anyOf", "defs", "defs07"]))
        if wrap == "properties":
            node = {"type": "object", "properties": {"p": node}}
        elif wrap == "items":
            node = {"type": "array", "items": node}
        elif wrap in ("allOf", "anyOf"):
            node = {wrap: [node, {"type": "object"}]}
        else:
            container = "$defs" if wrap == "defs" else "definitions"
            node = {container: {"d": node}, "$ref": f"#/{container}/d"}
        if draw(st.booleans()):
            node["default"] = draw(DEFAULTS)
        if base is not None and draw(st.booleans()):
            node[base[0]] = base[1]
    root = {"type": "object", "properties": {"x": node}, "default": {"x": draw(DEFAULTS)}}
    dialect = draw(st.sampled_from([None, *KNOWN_DIALECTS]))
    if dialect is not None:
        root["$schema"] = dialect
    if base is not None:
        root[base[0]] = base[1]
    return root


class Trap:
    """Socket calls recorded (and failed), so that a swallowed attempt still shows."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        for owner, name in (
            (socket.socket, "connect"),
            (socket.socket, "connect_ex"),
            (socket.socket, "sendto"),
            (socket, "create_connection"),
            (socket, "getaddrinfo"),
            (socket, "gethostbyname"),
        ):
            monkeypatch.setattr(owner, name, self._record(name))

    def _record(self, name: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            self.attempts.append(f"{name}{args!r:.200}")
            raise OSError(101, "network blocked by the test")

        return blocked


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Trap:
    return Trap(monkeypatch)


def _defaults(schema: Any) -> list[tuple[Any, Any]]:
    """(subschema, default) for every subschema holding a default."""
    found = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "default" in node:
                found.append((node, node["default"]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@pytest.mark.parametrize("uri", [*REMOTE_TARGETS, "https://base.evil.example/root.json"])
def test_the_registry_refuses_every_retrieval(uri: str, trap: Trap) -> None:
    from referencing.exceptions import Unretrievable

    with pytest.raises(Unretrievable) as raised:
        offline.python_registry().get_or_retrieve(uri)
    assert isinstance(raised.value.__cause__, offline.RetrievalRefused)
    assert trap.attempts == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=ref_schemas())
def test_no_check_fetches_a_remote_reference(schema: dict[str, Any]) -> None:
    attempts: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        trap = Trap(patch)
        manifest = {"name": "refs", "connection": {"settingsSchema": schema}}
        for check in settings_checks.CHECKS:
            list(check.run(manifest))
        # The validators themselves, on every default, the way the checks build them.
        cls = settings_checks._default_validator(dialect_of(schema).validator)
        try:
            validator = offline.python_validator(cls, schema)
            for sub, default in _defaults(schema):
                try:
                    list(validator.evolve(schema=sub).iter_errors(default))
                except Exception as error:  # unresolvable: must be a refusal, not an OSError
                    assert not isinstance(error, OSError), error
        except Exception as error:
            assert not isinstance(error, OSError), error
        uri = dialect_of(schema).uri
        for sub, _ in _defaults(schema):
            settings_fast.default_is_valid(uri, sub, settings_checks._ecma_search)
        rs_class = settings_fast._default_validator_cls(uri)
        if rs_class is not None:
            # jsonschema-rs's sockets are not Python's (the trap cannot see them): its retriever
            # is offline.refuse, and test_jsonschema_rs_gets_a_refusing_retriever shows it used.
            with contextlib.suppress(ValueError):  # unresolvable: retrieval refused
                offline.rs_validator(rs_class, schema)
        attempts = trap.attempts
    assert attempts == []


def test_jsonschema_rs_gets_a_refusing_retriever(trap: Trap) -> None:
    import jsonschema_rs

    schema = {"properties": {"a": {"$ref": "https://schemas.evil.example/x.json"}}}
    with pytest.raises(jsonschema_rs.ValidationError, match="never fetches"):
        offline.rs_validator(jsonschema_rs.Draft7Validator, schema)
    assert trap.attempts == []


def test_the_reported_example_makes_no_request(trap: Trap) -> None:
    """The review's case: BF405 was printed and the GET was made anyway."""
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "https://schemas.evil.example/x.json", "default": "zz"}},
    }
    manifest = {"name": "r", "connection": {"settingsSchema": schema}}
    codes = [f.code for check in settings_checks.CHECKS for f in check.run(manifest)]
    assert codes == ["BF405"]
    assert trap.attempts == []


def test_draft04_id_and_a_relative_ref_make_no_request(trap: Trap) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "id": "http://base.evil.example/root.json",
        "type": "object",
        "properties": {"a": {"$ref": "common.json#/definitions/x", "default": 1}},
    }
    manifest = {"name": "r", "connection": {"settingsSchema": schema}}
    codes = [f.code for check in settings_checks.CHECKS for f in check.run(manifest)]
    assert codes == ["BF405"]
    assert trap.attempts == []


def test_every_validator_is_built_by_the_offline_helper() -> None:
    """No code under backfill_codegen/ constructs a validator itself: a `...Validator(...)` call, or
    a call of what `validator_for` returns, appears only in backfill_codegen/offline.py."""
    import ast
    import re
    from pathlib import Path

    root = Path(offline.__file__).parent
    direct = re.compile(r"^Draft\d+Validator$")
    builders = {"validator_for", "validator_cls_for", "getattr"}  # `builder(...)(schema)`
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "offline.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            inner = func.func if isinstance(func, ast.Call) else None
            inner_name = getattr(inner, "attr", None) or getattr(inner, "id", None)
            if direct.search(name) or inner_name in builders:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
