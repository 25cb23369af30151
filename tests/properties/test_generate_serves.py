"""What `check` accepts, `generate` serves (issue 10, class 11), as a test.

For every settings schema `check` accepts - the goldens (the fuzz campaign's seeds), the 150
real schemas of ../shared/corpus/settings-schemas (read there, wrapped in a minimal manifest),
and Hypothesis-generated schemas (tests/support/schema_strategy.py) - `settings.py` generates,
imports, accepts the schema's defaults and examples, rejects values the schema rejects, and
`settings.ts` type-checks; see tests/support/serve_support.py for the exact proof. Reaching
`generate`'s fallback (BF413 from a generator failure) fails the test: the check-time
predicate missed a case.

A longer campaign (the same seed, more schemas):
`SERVE_EXAMPLES=2000 pytest tests/properties/test_generate_serves.py -k generated -s`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from backfill_codegen.domain import settings_generable
from tests.support import serve_support
from tests.support.golden_support import run_cli
from tests.support.schema_strategy import settings_schemas

#: Hypothesis-generated schemas in CI (a fixed seed); more by hand with SERVE_EXAMPLES.
EXAMPLES = int(os.environ.get("SERVE_EXAMPLES", "150"))


def _assert_served(outcomes: list[serve_support.Outcome], tmp: Path) -> None:
    dump = os.environ.get("SERVE_DUMP")  # a file to keep the failing schemas in, for a campaign
    if dump:
        failed = {o.name: o.schema for o in outcomes if o.failure}
        Path(dump).write_text(json.dumps(failed, ensure_ascii=False, indent=1), encoding="utf-8")
    failures = [
        f"{o.name}: {o.failure}\n  schema: {json.dumps(o.schema)[:2000]}"
        for o in outcomes
        if o.failure
    ]
    assert not failures, "\n".join(failures[:10])
    assert not serve_support.typecheck_all(outcomes, tmp / "tsc")


def test_goldens_and_the_real_corpus_are_served(tmp_path: Path) -> None:
    schemas = {**serve_support.golden_schemas(), **serve_support.corpus_schemas()}
    if not serve_support.corpus_schemas() and os.environ.get("CI"):
        pytest.fail(f"the corpus is missing: {serve_support.CORPUS}")
    started = time.monotonic()
    outcomes = serve_support.serve_all(schemas, tmp_path)
    _assert_served(outcomes, tmp_path)
    accepted = [o for o in outcomes if o.accepted]
    print(
        f"\n{len(schemas)} schemas, {len(accepted)} accepted by check and served; "
        f"{sum(o.valid_checked for o in accepted)} valid and "
        f"{sum(o.invalid_checked for o in accepted)} invalid instances; "
        f"{time.monotonic() - started:.1f} s"
    )
    assert len(accepted) >= 120  # the corpus is there, and most of it passes check


def generated_schemas(count: int) -> list[dict[str, Any]]:
    """`count` schemas from the strategy, the same ones on every run (a fixed seed)."""
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(settings_schemas())
    def collect(schema: dict[str, Any]) -> None:
        drawn.append(schema)

    collect()
    return drawn


def test_generated_schemas_are_served(tmp_path: Path) -> None:
    # Drawn first, then served as one batch: one ruff run and one tsc run for all of them.
    started = time.monotonic()
    schemas = generated_schemas(EXAMPLES)
    outcomes = serve_support.serve_all({f"h{i}": s for i, s in enumerate(schemas)}, tmp_path)
    _assert_served(outcomes, tmp_path)
    accepted = [o for o in outcomes if o.accepted]
    print(
        f"\n{len(schemas)} generated schemas, {len(accepted)} accepted by check and served; "
        f"{sum(o.valid_checked for o in accepted)} valid and "
        f"{sum(o.invalid_checked for o in accepted)} invalid instances; "
        f"{time.monotonic() - started:.1f} s"
    )
    assert len(accepted) >= len(schemas) // 3  # the strategy mostly draws valid schemas


# --- The known members of the class, each by name. --------------------------------------------

SERVED: dict[str, dict[str, Any]] = {
    "allOf [false] on an optional property": {
        "type": "object",
        "properties": {"a": {"allOf": [False]}, "b": {"type": "string"}},
    },
    "a $defs name with # / % . and a non-ASCII letter": {
        "type": "object",
        "$defs": {
            "a#b": {"type": "string", "minLength": 2},
            "c/d": {"type": "integer"},
            "e%f": {"type": "boolean"},
            "g.h": {"type": "object", "properties": {"x": {"type": "string"}}},
            "é": {"type": "number"},
        },
        "properties": {
            "p1": {"$ref": "#/$defs/a%23b"},
            "p2": {"$ref": "#/$defs/c~1d"},
            "p3": {"$ref": "#/$defs/e%25f"},
            "p4": {"$ref": "#/$defs/g.h"},
            "p5": {"$ref": "#/$defs/%C3%A9"},
        },
    },
    "names of the module's imports and Python's builtins": {
        "type": "object",
        "required": ["Any", "str"],
        "$defs": {
            "AnyUrl": {"type": "object", "properties": {"u": {"type": "string"}}},
            "Enum": {"type": "string", "enum": ["a", "b"]},
        },
        "properties": {
            **{
                name: {"type": "string", "minLength": 1}
                for name in (
                    "Any",
                    "BaseModel",
                    "Field",
                    "SecretStr",
                    "Annotated",
                    "Enum",
                    "RootModel",
                    "Optional",
                    "List",
                    "str",
                    "int",
                    "model_config",
                    "model_dump",
                    "model_fields",
                    "model_validate",
                    "schema",
                    "json",
                )
            },
            "site": {"type": "string", "format": "uri"},
            "a": {"$ref": "#/$defs/AnyUrl"},
            "e": {"$ref": "#/$defs/Enum"},
            "key": {"type": "string", "writeOnly": True},
        },
    },
    "allOf over an enum $ref plus another keyword": {
        "type": "object",
        "$defs": {
            "Region": {"type": "string", "enum": ["us", "eu"]},
            "Wide": {"type": "string", "enum": ["eu", "ap", "us"]},
            "Sub": {"allOf": [{"$ref": "#/$defs/Region"}, {"description": "x"}], "enum": ["us"]},
        },
        "properties": {
            "region": {"allOf": [{"$ref": "#/$defs/Region"}], "description": "d", "default": "eu"},
            "other": {"allOf": [{"$ref": "#/$defs/Region"}, {"title": "T"}]},
            "narrowed": {"allOf": [{"$ref": "#/$defs/Region"}, {"enum": ["us"]}]},
            "sibling": {"$ref": "#/$defs/Region", "enum": ["eu"]},
            "both": {"allOf": [{"$ref": "#/$defs/Region"}, {"$ref": "#/$defs/Wide"}]},
            "sub": {"$ref": "#/$defs/Sub"},
            "const": {"allOf": [{"$ref": "#/$defs/Region"}, {"const": "eu"}]},
        },
    },
    "a lone allOf member holding a union": {
        "type": "object",
        "properties": {
            "u": {
                "allOf": [
                    {"oneOf": [{"type": "string", "pattern": "^[0-9]+$"}, {"type": "boolean"}]}
                ],
                "title": "t",
            }
        },
    },
    "carriage returns in titles and descriptions beside a secret": {
        "type": "object",
        "description": "a\rb",
        "properties": {
            "k": {"type": "string", "writeOnly": True, "description": "x\ry"},
            "o": {
                "type": "object",
                "title": "t\r",
                "properties": {"a": {"type": "string", "description": "\r\n\r"}},
            },
            "n": {"allOf": [{"type": "number", "maximum": 20}], "title": "n\r"},
            "u": {"anyOf": [{"oneOf": [{"type": "string", "maxLength": 8}], "title": "\r"}]},
        },
    },
    "definitions that only name another (a chain, to a renamed one)": {
        "type": "object",
        "$defs": {
            "os": {"$ref": "#/$defs/a%23b"},
            "a#b": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]},
            "a": {"$ref": "#/$defs/b", "title": "A"},
            "b": {"$ref": "#/$defs/c"},
            "c": {"type": "object", "properties": {"n": {"$ref": "#/$defs/a"}}},
        },
        "properties": {
            "o": {"$ref": "#/$defs/os"},
            "p": {"$ref": "#/$defs/a%23b"},
            "q": {"$ref": "#/$defs/a"},
        },
    },
    "a definition with a structured default, used as a type alias": {
        "type": "object",
        "$defs": {
            "L": {
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"type": "string"}}},
                "maxItems": 3,
                "default": [],
            }
        },
        "properties": {"l": {"anyOf": [{"$ref": "#/$defs/L"}, {"type": "string"}]}},
    },
    "a lone anyOf/oneOf choice that is a $ref to a constrained scalar": {
        "type": "object",
        "definitions": {"n": {"type": "integer", "minimum": 0, "maximum": 13}},
        "properties": {
            "a": {"anyOf": [{"$ref": "#/definitions/n"}], "title": "A"},
            "b": {"oneOf": [{"$ref": "#/definitions/n"}]},
        },
    },
    "a lone choice that is a $ref to a renamed definition": {
        "type": "object",
        "definitions": {
            "constr": {
                "type": "object",
                "properties": {"x": {"type": "integer"}},
                "required": ["x"],
            }
        },
        "properties": {"a": {"oneOf": [{"$ref": "#/definitions/constr"}], "title": ""}},
    },
    "enum values outside their own bounds": {
        "type": "object",
        "properties": {
            "n": {"type": "number", "minimum": -2, "enum": [-1, -2, -3], "default": -1},
            "s": {"type": "string", "maxLength": 2, "enum": ["ab", "abc"]},
        },
    },
    "a property named Config": {
        "type": "object",
        "properties": {
            "Config": {"type": "integer"},
            "o": {"type": "object", "properties": {"Config": {"type": "string"}}},
        },
    },
    "a closed empty object among choices": {
        "type": "object",
        "properties": {
            "c": {"anyOf": [{"type": "object", "additionalProperties": False}, {"type": "string"}]}
        },
    },
    "an optional enum outside its type": {
        "type": "object",
        "properties": {"e": {"type": "array", "enum": ["a", "b"]}, "f": {"type": "string"}},
    },
    "NFKC twins": {
        "type": "object",
        "required": ["foo", "\uff46\uff4f\uff4f", "µ", "μ", "ﬁ", "fi"],
        "properties": {
            name: {"type": "string", "title": name}
            for name in ("foo", "\uff46\uff4f\uff4f", "µ", "μ", "ﬁ", "fi")
        },
    },
}


def _nested_arrays(levels: int) -> dict[str, Any]:
    nested: dict[str, Any] = {"type": "string", "minLength": 1}
    for level in range(levels):
        nested = {"type": "array", "items": nested, **({"minItems": 1} if level % 2 else {})}
    return {"type": "object", "properties": {"deep": nested}}


SERVED["arrays nested past Python's recursion limit"] = _nested_arrays(
    settings_generable.MAX_TYPE_NESTING
)

REPORTED: dict[str, tuple[dict[str, Any], str]] = {
    "a self-referencing allOf": (
        {
            "type": "object",
            "$defs": {"A": {"allOf": [{"$ref": "#/$defs/A"}]}},
            "properties": {"a": {"$ref": "#/$defs/A"}},
        },
        "#/$defs/A/allOf/0/$ref",
    ),
    "recursive oneOf + allOf": (
        {
            "type": "object",
            "$defs": {"N": {"oneOf": [{"type": "string"}, {"allOf": [{"$ref": "#/$defs/N"}]}]}},
            "properties": {"n": {"$ref": "#/$defs/N"}},
        },
        "#/$defs/N/oneOf/1/allOf/0/$ref",
    ),
    "arrays nested deeper than a Python annotation can be": (
        _nested_arrays(240),
        "#/properties/deep" + "/items" * (settings_generable.MAX_TYPE_NESTING + 1),
    ),
    "a recursive array type with no object in the loop": (
        {
            "type": "object",
            "$defs": {"m": {"type": "array", "items": {"$ref": "#/$defs/m"}}},
            "properties": {"m": {"$ref": "#/$defs/m"}},
        },
        "#/$defs/m/items/$ref",
    ),
    "a required property that accepts nothing": (
        {"type": "object", "required": ["a"], "properties": {"a": {"allOf": [False]}}},
        "#/properties/a",
    ),
}


def test_known_members_are_served(tmp_path: Path) -> None:
    # One batch (one ruff run, one tsc run); a failure names its case.
    outcomes = serve_support.serve_all(SERVED, tmp_path)
    assert [o.name for o in outcomes if not o.accepted] == []
    _assert_served(outcomes, tmp_path)


def test_nfkc_twins_are_distinct_fields(tmp_path: Path) -> None:
    schema = SERVED["NFKC twins"]
    outcome = serve_support.serve_all({"twins": schema}, tmp_path)[0]
    module = serve_support.load(outcome.python, tmp_path / "m", "twins_settings")
    value = {name: name for name in schema["properties"]}
    dumped = module.Settings.model_validate(value).model_dump(by_alias=True)
    assert dumped == value  # six fields, none lost


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_what_cannot_be_served_is_reported_by_check(case: str, tmp_path: Path) -> None:
    schema, where = REPORTED[case]
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "backfill.config.json").write_text(
        json.dumps(serve_support.manifest_of(schema)), encoding="utf-8"
    )
    status, stdout, _ = run_cli(["check", str(folder), "--format", "json"], tmp_path)
    assert status == 1
    (found,) = [d for d in json.loads(stdout) if d["code"] == "BF413"]
    assert found["line"] == 1 and found["column"] > 1
    assert [p.path for p in settings_generable.problems(schema)]
    from backfill_codegen.emit.python_settings import _pointer

    assert _pointer(settings_generable.problems(schema)[0].path) == where
    # generate: the same diagnostic, exit 1, nothing written, no traceback.
    status, _, stderr = run_cli(["generate", str(folder), "-j", "1"], tmp_path)
    assert status == 1 and "BF413" in stderr and "Traceback" not in stderr
    assert not (folder / "generated").exists()


def test_the_fallback_is_a_located_diagnostic(tmp_path: Path, monkeypatch: Any) -> None:
    from backfill_codegen.emit import python_settings

    def crash(schema: Any) -> str:
        raise RuntimeError("simulated generator crash")

    monkeypatch.setattr(python_settings, "generate_settings_module", crash)
    (tmp_path / "backfill.config.json").write_text(
        json.dumps(serve_support.manifest_of({"type": "object"})), encoding="utf-8"
    )
    for jobs in ("1", "2"):
        status, _, stderr = run_cli(["generate", ".", "-j", jobs, "--no-cache"], tmp_path)
        assert status == 1, stderr
        assert "error[BF413]" in stderr and "backfill.config.json:1:" in stderr
        assert "simulated generator crash" in stderr and "internal error" not in stderr
    assert not (tmp_path / "generated").exists()
