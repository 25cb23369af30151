"""openapi.json is read by real consumers, not only by a validator (issue 10, class 14).

- Every golden openapi.json is valid (openapi-spec-validator), openapi-python-client generates
  a client for it that imports, and openapi-typescript turns it into TypeScript that tsc
  accepts under `--strict`.
- Hypothesis writes settings schemas in every dialect, with boolean schemas in every position,
  draft-07 tuples, `$defs`/`definitions`, nested references and `$ref` with siblings. For each,
  the document is valid, holds no boolean schema outside `additionalProperties`, is accepted by
  openapi-python-client's own document model, and `Settings` accepts and rejects what the
  author's schema does (under the author's dialect) on generated instances.
- OAuth URLs: for generated templates (tokens in the host, port, path and query, IDN hosts),
  `authorizationUrl` / `tokenUrl` are URLs that Node's WHATWG `new URL` parses.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft6Validator, Draft7Validator, Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from backfill_codegen import ir
from backfill_codegen.domain.oauth_template import parse_template
from backfill_codegen.emit import openapi
from backfill_codegen.emit.openapi_schema import BOOLEAN_KEPT
from tests.support.emit_connectors import SHOPIFY, build
from tests.support.paths import GOLDEN
from tests.support.tsc_support import ROOT, require_tsc, typecheck

DOCUMENTS = sorted(GOLDEN.glob("gen-*/expected/generated/openapi.json"))
DIALECTS = {
    "http://json-schema.org/draft-04/schema#": Draft4Validator,
    "http://json-schema.org/draft-06/schema#": Draft6Validator,
    "http://json-schema.org/draft-07/schema#": Draft7Validator,
    "https://json-schema.org/draft/2020-12/schema": Draft202012Validator,
}


def _case(document: Path) -> str:
    return document.parent.parent.parent.name


# --- The golden documents, through the real consumers. -------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS, ids=_case)
def test_golden_documents_are_valid(document: Path) -> None:
    validate(json.loads(document.read_text(encoding="utf-8")))


def test_openapi_python_client_generates_an_importable_client_for_every_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openapi_python_client import generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    assert len(DOCUMENTS) >= 5
    monkeypatch.syspath_prepend(str(tmp_path))
    for document in DOCUMENTS:
        package = "client_" + _case(document).replace("-", "_")
        config = Config.from_sources(
            ConfigFile(post_hooks=[], package_name_override=package),  # no ruff on PATH needed
            MetaType.NONE,
            document,
            "utf-8",
            True,
            tmp_path / package,
        )
        errors = generate(config=config)
        assert errors == [], (document, [(e.header, e.detail) for e in errors])
        importlib.import_module(package)
        models = importlib.import_module(package + ".models")
        assert hasattr(models, "BadRequest"), document
        for module in sorted((tmp_path / package / "api").rglob("*.py")):
            relative = module.relative_to(tmp_path).with_suffix("")
            importlib.import_module(".".join(relative.parts))
    for name in [m for m in sys.modules if m.startswith("client_")]:
        del sys.modules[name]


_OPENAPI_TYPESCRIPT = """
const { default: openapiTS, astToString } = await import(process.argv[2]);
import fs from "node:fs";
import { pathToFileURL } from "node:url";
const files = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const [name, path] of Object.entries(files)) {
  out[name] = astToString(await openapiTS(pathToFileURL(path)));
}
process.stdout.write(JSON.stringify(out));
"""
OPENAPI_TYPESCRIPT = ROOT / "node_modules" / "openapi-typescript" / "dist" / "index.mjs"


def openapi_typescript(documents: dict[str, Path], folder: Path) -> list[str]:
    """Types for each document from openapi-typescript (one node run), written into `folder`
    as `<name>.ts`; their names."""
    require_tsc()
    if not OPENAPI_TYPESCRIPT.is_file():
        pytest.fail("node_modules/openapi-typescript is missing: run `npm ci` (package.json)")
    script = folder / "openapi-typescript.mjs"
    script.write_text(_OPENAPI_TYPESCRIPT, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), OPENAPI_TYPESCRIPT.as_uri()],
        input=json.dumps({name: str(path) for name, path in documents.items()}),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    files = []
    for name, text in sorted(json.loads(done.stdout).items()):
        assert "export interface components" in text, name
        (folder / f"{name}.ts").write_text(text, encoding="utf-8")
        files.append(f"{name}.ts")
    return files


def test_openapi_typescript_output_type_checks_for_every_golden(tmp_path: Path) -> None:
    files = openapi_typescript({_case(d): d for d in DOCUMENTS}, tmp_path)
    run = typecheck(tmp_path, files)
    assert run.returncode == 0, run.output


# --- Generated settings schemas. ---------------------------------------------------------------

#: Definitions every generated schema has, so any reference resolves.
DEFINITION_NAMES = ("region", "pair", "node")
_TYPES = st.sampled_from(["string", "integer", "number", "boolean", "null", "object", "array"])


def _subschemas(dialect: str, targets: tuple[str, ...]) -> st.SearchStrategy[Any]:
    container = "$defs" if dialect.startswith("https") else "definitions"
    refs = st.sampled_from([f"#/{container}/{name}" for name in targets])
    booleans = st.nothing() if "draft-04" in dialect else st.booleans()  # no boolean schemas
    leaves = st.one_of(
        booleans,
        _TYPES.map(lambda t: {"type": t}),
        st.lists(st.sampled_from(["us", "eu", 1, None]), min_size=1, max_size=3, unique=True).map(
            lambda values: {"enum": values}
        ),
        refs.map(lambda ref: {"$ref": ref}),
    )

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        tuple_form = (
            st.tuples(st.lists(inner, min_size=1, max_size=3), st.one_of(st.booleans(), inner)).map(
                lambda t: {"type": "array", "items": t[0], "additionalItems": t[1]}
            )
            if container == "definitions"
            else st.tuples(
                st.lists(inner, min_size=1, max_size=3), st.one_of(st.booleans(), inner)
            ).map(lambda t: {"type": "array", "prefixItems": t[0], "items": t[1]})
        )
        return st.one_of(
            tuple_form,
            inner.map(lambda s: {"type": "array", "items": s}),
            st.dictionaries(st.sampled_from("abc"), inner, max_size=3).map(
                lambda p: {"type": "object", "properties": p}
            ),
            st.tuples(inner, st.booleans()).map(
                lambda t: {"properties": {"x": t[0]}, "additionalProperties": t[1]}
            ),
            inner.map(lambda s: {"not": s}),
            st.lists(inner, min_size=1, max_size=3).map(lambda items: {"anyOf": items}),
            st.lists(inner, min_size=1, max_size=2).map(lambda items: {"allOf": items}),
            st.tuples(inner, inner).map(lambda t: {"if": t[0], "then": t[1]}),
            inner.map(lambda s: {"type": "object", "patternProperties": {"^a": s}}),
            # `$ref` with siblings: ignored up to draft-07, applied from 2019-09 on.
            st.tuples(refs, inner).map(lambda t: {"$ref": t[0], "allOf": [t[1]]}),
            refs.map(lambda ref: {"$ref": ref, "const": "us", "title": "Pinned"}),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@st.composite
def settings_schemas(draw: st.DrawFn) -> dict[str, Any]:
    dialect = draw(st.sampled_from(sorted(DIALECTS)))
    sub = _subschemas(dialect, DEFINITION_NAMES)
    container = "$defs" if dialect.startswith("https") else "definitions"
    definitions = {
        "region": {"enum": ["us", "eu"]},
        "pair": draw(_subschemas(dialect, ("region", "node"))),  # a `$ref` loop is BF406
        "node": {"type": "object", "properties": {"next": {"$ref": f"#/{container}/node"}}},
    }
    properties = draw(st.dictionaries(st.sampled_from(["p", "q", "r", "s"]), sub, max_size=4))
    return {
        "$schema": dialect,
        "type": "object",
        container: definitions,
        "properties": properties,
    }


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["us", "eu", "a"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("pqrsabcx"), inner, max_size=3)
    ),
    max_leaves=10,
)

#: Where a schema sits in a 2020-12 schema: one schema, a list of them, a map of them.
_ONE = ("not", "if", "then", "else", "items", "contains", "propertyNames", "unevaluatedItems")
_ONE_KEPT = ("additionalProperties", "unevaluatedProperties")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")


def boolean_schemas(schema: Any, where: str = "") -> Iterator[str]:
    """Where a boolean stands as a schema outside the positions every consumer takes one."""
    if isinstance(schema, bool):
        yield where
        return
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        here = f"{where}/{key}"
        if key in _ONE:
            yield from boolean_schemas(value, here)
        elif key in _ONE_KEPT and key in BOOLEAN_KEPT and isinstance(value, bool):
            continue
        elif key in _ONE_KEPT:
            yield from boolean_schemas(value, here)
        elif key in _LIST and isinstance(value, list):
            for index, item in enumerate(value):
                yield from boolean_schemas(item, f"{here}/{index}")
        elif key in _MAP and isinstance(value, dict):
            for name, item in value.items():
                yield from boolean_schemas(item, f"{here}/{name}")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> ir.Connector:
    return build(tmp_path_factory.mktemp("base"), SHOPIFY)


def _document(base: ir.Connector, schema: dict[str, Any]) -> dict[str, Any]:
    settings_ir = ir.Settings(schema_json=json.dumps(schema), properties=())
    return json.loads(
        openapi.render(openapi.document(dataclasses.replace(base, settings=settings_ir)))
    )


def _settings_validator(doc: dict[str, Any]) -> Draft202012Validator:
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(doc))
    return Draft202012Validator(
        {"$ref": "urn:openapi#/components/schemas/Settings"}, registry=registry
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schema=settings_schemas(), instances=st.lists(JSON, min_size=1, max_size=6))
def test_generated_settings_schemas_give_documents_consumers_read(
    base: ir.Connector, schema: dict[str, Any], instances: list[Any]
) -> None:
    from openapi_python_client.schema import OpenAPI

    author = DIALECTS[schema["$schema"]]
    author.check_schema(schema)
    doc = _document(base, schema)
    validate(doc)
    for name, component in doc["components"]["schemas"].items():
        assert not list(boolean_schemas(component)), (name, list(boolean_schemas(component)))
    OpenAPI.model_validate(doc)  # openapi-python-client's own reading of the document
    converted = _settings_validator(doc)
    original = author(schema)
    for value in instances:
        for instance in (value, {"p": value}, {"q": [value, value]}):
            assert converted.is_valid(instance) == original.is_valid(instance), instance


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=settings_schemas())
def test_openapi_python_client_generates_for_generated_schemas(
    tmp_path_factory: pytest.TempPathFactory, schema: dict[str, Any]
) -> None:
    from openapi_python_client import generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    folder = tmp_path_factory.mktemp("client")
    base = build(folder, SHOPIFY)
    path = folder / "openapi.json"
    path.write_text(json.dumps(_document(base, schema)), encoding="utf-8")
    config = Config.from_sources(
        ConfigFile(post_hooks=[], package_name_override="generated_client"),
        MetaType.NONE,
        path,
        "utf-8",
        True,
        folder / "client",
    )
    errors = [e for e in generate(config=config) if e.level.value == "error"]
    assert not errors, [(e.header, e.detail) for e in errors]


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas=st.lists(settings_schemas(), min_size=25, max_size=25))
def test_openapi_typescript_types_for_generated_schemas_type_check(
    tmp_path_factory: pytest.TempPathFactory, schemas: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("ots")
    base = build(folder, SHOPIFY)
    documents = {}
    for index, schema in enumerate(schemas):
        documents[f"doc{index}"] = path = folder / f"doc{index}.json"
        path.write_text(json.dumps(_document(base, schema)), encoding="utf-8")
    run = typecheck(folder, openapi_typescript(documents, folder))
    assert run.returncode == 0, run.output


def test_the_tuple_of_issue_10_is_an_object_schema(base: ir.Connector) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "pair": {"type": "array", "items": [{"type": "string"}], "additionalItems": False}
        },
    }
    pair = _document(base, schema)["components"]["schemas"]["Settings"]["properties"]["pair"]
    assert pair == {"type": "array", "prefixItems": [{"type": "string"}], "items": {"not": {}}}


# --- OAuth URLs and webhooks. ------------------------------------------------------------------

_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_TOKEN = st.from_regex(r"<[A-Za-z_][A-Za-z0-9_-]{0,10}>", fullmatch=True)
_HOST_PART = st.one_of(_LABEL, _TOKEN, st.sampled_from(["bücher", "faß", "xn--bcher-kva"]))


@st.composite
def oauth_templates(draw: st.DrawFn) -> str:
    host = ".".join(draw(st.lists(_HOST_PART, min_size=1, max_size=4)))
    port = draw(st.sampled_from(["", ":8443", ":443"]))
    segments = draw(
        st.lists(st.one_of(_LABEL, _TOKEN, st.sampled_from(["a b", "%7E", "é"])), max_size=3)
    )
    query = draw(st.sampled_from(["", "?shop=<shop>", "?a=1&b=<x>", "?q=a%20b"]))
    return f"https://{host}{port}/" + "/".join(segments) + query


@settings(max_examples=5, deadline=None)
@given(templates=st.lists(oauth_templates(), min_size=60, max_size=80))
def test_oauth_urls_are_urls_node_parses(templates: list[str]) -> None:
    from tests.support.tsc_support import run_node

    accepted = [t for t in templates if not parse_template(t).problems]
    urls = [openapi.oauth_url(template) for template in accepted]
    script = (
        "const urls = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const bad = urls.filter((u) => { try { new URL(u); return false; }"
        " catch { return true; } });"
        "process.stdout.write(JSON.stringify(bad));"
    )
    assert run_node(script, urls) == []
    for template, url in zip(accepted, urls, strict=True):
        assert url.isascii(), (template, url)
        has_host_token = any(token.in_host for token in parse_template(template).tokens)
        host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
        assert host.endswith(".invalid") or not has_host_token, (template, url)


def test_webhook_operations_say_they_take_no_credentials() -> None:
    for document in DOCUMENTS:
        doc = json.loads(document.read_text(encoding="utf-8"))
        for item in doc["paths"].values():
            for method, operation in item.items():
                if method == "parameters" or "webhook" not in operation.get("tags", []):
                    continue
                roles = set(operation["tags"])
                if "postConnect" in roles:
                    assert {} in operation["security"], document
                else:
                    assert operation["security"] == [], document
