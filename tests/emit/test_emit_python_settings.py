"""settings.py: generated, formatted, imported and run against sample settings."""

from __future__ import annotations

import copy
import enum
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, RootModel, SecretStr, ValidationError

from backfill_codegen import ir
from backfill_codegen.emit import python_settings
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.format import format_python
from tests.support.emit_connectors import build, stripe
from tests.support.paths import ROOT

HOSTILE = (
    "Quotes \"\"\" and ''' and */ and a \\ backslash\nA new line, a \u2028 line separator, "
    "{{ curly }}, ${x}, `tick`, </script>, a | pipe, \u202eright-to-left\u202c and \\u0041 text."
)
SECRET_DESCRIPTION = 'Paste the key "k_..."; never share it.\r\nIt ends in \'"""\'.'

COMPLEX: dict[str, Any] = {
    "name": "complexconn",
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "settingsSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "title": "Complex settings",
            "description": HOSTILE,
            "required": ["auth", "region", "api-key"],
            "additionalProperties": False,
            "$defs": {
                "region": {"type": "string", "enum": ["eu", "us"], "title": "Region"},
                "endpoint": {
                    "type": "object",
                    "required": ["url"],
                    "properties": {
                        "url": {"type": "string", "pattern": "^https://"},
                        "timeout_s": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 60,
                            "default": 30,
                        },
                    },
                },
            },
            "properties": {
                "auth": {
                    "title": "Authentication",
                    "description": "How to sign in.",
                    "oneOf": [
                        {
                            "type": "object",
                            "title": "API key",
                            "required": ["method", "key"],
                            "additionalProperties": False,
                            "properties": {
                                "method": {"const": "api_key"},
                                "key": {
                                    "type": "string",
                                    "writeOnly": True,
                                    "pattern": "^k_[a-z0-9]+$",
                                    "description": SECRET_DESCRIPTION,
                                    "airbyte_secret": True,
                                    "order": 1,
                                },
                            },
                        },
                        {
                            "type": "object",
                            "title": "OAuth client",
                            "required": ["method", "client_id", "client_secret"],
                            "additionalProperties": False,
                            "properties": {
                                "method": {"type": "string", "enum": ["oauth"]},
                                "client_id": {"type": "string", "minLength": 3},
                                "client_secret": {"type": "string", "format": "password"},
                            },
                        },
                    ],
                },
                "region": {"$ref": "#/$defs/region"},
                "mode": {
                    "type": "string",
                    "enum": ["fast", "safe-mode", "2x"],
                    "default": "safe-mode",
                    "title": "Mode",
                    "description": 'A """ in a description.',
                },
                "endpoint": {"$ref": "#/$defs/endpoint"},
                "mirrors": {"type": "array", "items": {"$ref": "#/$defs/endpoint"}, "maxItems": 2},
                "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "limits": {
                    "type": "object",
                    "properties": {
                        "max_rows": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 1000,
                            "default": 100,
                        },
                        "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                    },
                },
                "api-key": {
                    "type": "string",
                    "minLength": 4,
                    "title": "API key */",
                    "description": HOSTILE,
                },
                "2fa": {"type": "boolean", "default": False, "description": "back\\slash"},
                "class": {"type": "string", "pattern": "^(?!bad)[a-z]+$", "description": "\n"},
                "model_config": {"type": "integer"},
                "schema": {"type": "string"},
                "nickname": {"type": ["string", "null"]},
                # Valid ECMA-262 and Rust, not Python's re: the look-ahead above puts a model on
                # Python's engine, so this pattern cannot be carried (and a comment says so).
                "letters": {"type": "string", "pattern": "^\\p{L}+$"},
                "token": {"type": "string", "writeOnly": True, "default": "tok_public_default"},
                # EmailStr would need the email-validator package: the module imports without.
                "contact": {"type": "string", "format": "email"},
            },
        },
    },
}

VALID: dict[str, Any] = {
    "auth": {"method": "api_key", "key": "k_abc123"},
    "region": "eu",
    "endpoint": {"url": "https://x.example"},
    "mirrors": [{"url": "https://m.example", "timeout_s": 5}],
    "tags": ["a", "b"],
    "limits": {"max_rows": 10, "ratio": 0.5},
    "api-key": "abcd",
    "2fa": True,
    "class": "good",
    "model_config": 3,
    "schema": "s",
    "nickname": None,
    "contact": "someone@example.com",
}

#: One mistake each: a missing required name, a bad enum value, a pattern mismatch (plain,
#: look-ahead, secret), a wrong type, a bound, a union no branch takes, an unknown name.
INVALID: dict[str, dict[str, Any]] = {
    "missing required": {k: v for k, v in VALID.items() if k != "region"},
    "python name instead of the original": {
        **{k: v for k, v in VALID.items() if k != "api-key"},
        "api_key": "abcd",
    },
    "bad enum": {**VALID, "region": "mars"},
    "bad enum with a default": {**VALID, "mode": "slow"},
    "pattern": {**VALID, "endpoint": {"url": "http://x.example"}},
    "look-ahead pattern": {**VALID, "class": "badword"},
    "secret pattern": {**VALID, "auth": {"method": "api_key", "key": "nope"}},
    "wrong type": {**VALID, "limits": {"max_rows": "ten"}},
    "wrong type (object)": {**VALID, "endpoint": "https://x.example"},
    "minimum": {**VALID, "limits": {"max_rows": 0}},
    "exclusive minimum": {**VALID, "limits": {"ratio": 0}},
    "max items": {**VALID, "mirrors": [{"url": "https://a"}] * 3},
    "min length": {**VALID, "api-key": "abc"},
    "no branch": {**VALID, "auth": {"method": "oauth", "key": "k_abc"}},
    "const": {**VALID, "auth": {"method": "basic", "key": "k_abc"}},
    "extra name": {**VALID, "unknown": 1},
    # (An optional property, written `X | None = None`, takes null: the generator's way.)
    "required is not nullable": {**VALID, "region": None},
}


def load(text: str, tmp_path: Path, name: str) -> ModuleType:
    """Format `text` as `generate` does, write it, and import it as a module."""
    formatted = format_python({"f0/settings.py": text})["f0/settings.py"]
    path = tmp_path / f"{name}.py"
    path.write_text(formatted, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves annotations through the module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def modules() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


def settings_of(connector: ir.Connector, tmp_path: Path, name: str, names: list[str]) -> Any:
    files = python_settings.emit(connector)
    assert list(files) == ["settings.py"]
    names.append(name)
    return load(files["settings.py"], tmp_path, name)


@pytest.fixture
def complex_module(tmp_path: Path, modules: list[str]) -> ModuleType:
    return settings_of(build(tmp_path, COMPLEX), tmp_path, "complex_settings", modules)


def properties() -> dict[str, Any]:
    return COMPLEX["connection"]["settingsSchema"]["properties"]


def by_alias(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info for name, info in model.model_fields.items()}


# --- The complex schema. -----------------------------------------------------------------------


def test_a_valid_sample_validates(complex_module: ModuleType) -> None:
    settings = complex_module.Settings.model_validate(VALID)
    assert settings.region == complex_module.Region.eu
    assert settings.endpoint.timeout_s == 30  # a nested default
    assert settings.limits.max_rows == 10
    assert settings.tags == ["a", "b"]  # plain strings, not RootModel wrappers
    assert type(settings.auth).model_fields["method"].is_required()
    oauth = {"method": "oauth", "client_id": "abc", "client_secret": "s3cr3t"}
    other = complex_module.Settings.model_validate({**VALID, "auth": oauth})
    assert type(other.auth) is not type(settings.auth)  # each choice is its own model
    assert other.auth.client_secret.get_secret_value() == "s3cr3t"


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_sample_is_rejected(complex_module: ModuleType, case: str) -> None:
    with pytest.raises(ValidationError):
        complex_module.Settings.model_validate(INVALID[case])


def test_secrets_are_secret_str_and_hidden(complex_module: ModuleType) -> None:
    settings = complex_module.Settings.model_validate(VALID)
    assert isinstance(settings.auth.key, SecretStr)
    assert settings.auth.key.get_secret_value() == "k_abc123"
    assert "k_abc123" not in repr(settings) and "k_abc123" not in str(settings)
    # A secret's default (BF409) never reaches the model: no generated file holds it.
    assert settings.token is None
    assert "tok_public_default" not in repr(settings)
    # The secret-pattern error names the pattern, never the value.
    with pytest.raises(ValidationError) as raised:
        complex_module.Settings.model_validate(INVALID["secret pattern"])
    messages = [error["msg"] for error in raised.value.errors()]
    assert any("^k_[a-z0-9]+$" in message for message in messages)
    # ... and the printed error hides every input (the root model hides them when any secret).
    assert "nope" not in str(raised.value)
    assert complex_module.Settings.model_config.get("hide_input_in_errors") is True


def test_an_enum_default_is_the_member(complex_module: ModuleType) -> None:
    field = complex_module.Settings.model_fields["mode"]
    assert isinstance(field.default, enum.Enum)
    assert field.default is complex_module.Mode("safe-mode")
    settings = complex_module.Settings.model_validate(VALID)
    assert settings.mode is complex_module.Mode("safe-mode")
    assert complex_module.Settings.model_validate({**VALID, "mode": "2x"}).mode.value == "2x"


def test_descriptions_and_titles_round_trip(complex_module: ModuleType) -> None:
    fields = by_alias(complex_module.Settings)
    described = {name: s for name, s in properties().items() if "description" in s}
    assert len(described) >= 5
    for name, schema in described.items():
        assert fields[name].description == schema["description"], name
    assert fields["api-key"].title == "API key */"
    assert fields["mode"].title == "Mode"
    settings = complex_module.Settings.model_validate(VALID)
    key = type(settings.auth).model_fields["key"]
    assert key.description == SECRET_DESCRIPTION


def test_original_names_are_the_aliases(complex_module: ModuleType) -> None:
    assert set(by_alias(complex_module.Settings)) == set(properties())
    settings = complex_module.Settings.model_validate(VALID)
    dumped = settings.model_dump(by_alias=True, exclude_unset=True, mode="json")
    expected = copy.deepcopy(VALID)
    expected["auth"]["key"] = "**********"  # a secret dumps masked
    assert dumped == expected
    # Python names are safe identifiers; the odd ones are not the originals.
    for odd in ("api-key", "2fa", "class", "model_config", "schema"):
        assert odd not in complex_module.Settings.model_fields


def test_a_pattern_the_model_cannot_carry_is_named_in_a_comment(
    complex_module: ModuleType, tmp_path: Path
) -> None:
    text = python_settings.emit(build(tmp_path / "again", COMPLEX))["settings.py"]
    lines = text.splitlines()
    assert lines[0] == f"# {NOTICE}"
    assert any("#/properties/letters/pattern" in line for line in lines[:5])
    # ... and the model, which runs Python's engine for the look-ahead, still imports.
    assert complex_module.Settings.model_config.get("regex_engine") == "python-re"
    assert complex_module.Settings.model_validate({**VALID, "letters": "123"}).letters == "123"


def test_the_hostile_root_description_cannot_break_out(complex_module: ModuleType) -> None:
    # The class docstring holds it (as documentation: docstrings are cleaned up by pydantic);
    # importing at all proves `\"\"\"` could not end it early.
    doc = complex_module.Settings.__doc__ or ""
    assert "{{ curly }}" in doc and "</script>" in doc and "\u202e" in doc


# --- The bundled example, a root that is not an object model, and other shapes. -----------------


def test_the_stripe_example(tmp_path: Path, modules: list[str]) -> None:
    module = settings_of(stripe(), tmp_path, "stripe_settings", modules)
    Settings = module.Settings
    good = {"api_key": "sk_test_abc123", "webhook_signing_secret": "whsec_abc"}
    settings = Settings.model_validate(good)
    assert isinstance(settings.api_key, SecretStr)
    assert isinstance(settings.webhook_signing_secret, SecretStr)  # writeOnly only
    assert settings.account_country is module.AccountCountry.US
    assert "sk_test_abc123" not in repr(settings)
    for bad in (
        {},
        {"api_key": "pk_test_abc"},  # the secret's pattern
        {**good, "webhook_signing_secret": "nope"},
        {**good, "account_country": "ZZ"},
        {"api_key": 42},
    ):
        with pytest.raises(ValidationError) as raised:
            Settings.model_validate(bad)
        assert "pk_test_abc" not in str(raised.value)


ROOT_REF: dict[str, Any] = {
    "name": "rootref",
    "connection": {
        "settingsSchema": {
            "$ref": "#/$defs/spec",
            "$defs": {
                "spec": {
                    "type": "object",
                    "required": ["host"],
                    "properties": {"host": {"type": "string", "description": "The host."}},
                }
            },
        }
    },
}


def test_a_root_ref_is_a_root_model_named_settings(tmp_path: Path, modules: list[str]) -> None:
    module = settings_of(build(tmp_path, ROOT_REF), tmp_path, "rootref_settings", modules)
    assert issubclass(module.Settings, RootModel)
    assert module.Settings.model_validate({"host": "h"}).root.host == "h"
    with pytest.raises(ValidationError):
        module.Settings.model_validate({})


ECMA_ONLY: dict[str, Any] = {
    "name": "ecmaonly",
    "connection": {
        "settingsSchema": {
            "type": "object",
            "properties": {
                "year": {"type": "string", "pattern": "^(?<year>\\d{4})$"},
                "any": {"type": "string", "pattern": "^[^]$"},
                "code": {"type": "string", "pattern": "^\\w+\\u{1F600}?$"},
            },
        }
    },
}


def test_ecma_only_syntax_is_carried_as_its_translation(tmp_path: Path, modules: list[str]) -> None:
    # Named groups, `[^]` and `\\u{...}` are ECMA-only; `\\d`, `\\w` and `$` mean ASCII
    # digits, ASCII word characters and the very end, as in JavaScript.
    connector = build(tmp_path, ECMA_ONLY)
    assert "Not checked" not in python_settings.emit(connector)["settings.py"]
    module = settings_of(connector, tmp_path, "ecmaonly_settings", modules)
    assert module.Settings.model_validate({"year": "2024", "any": "\n", "code": "a_1\U0001f600"})
    for bad in ({"year": "24"}, {"year": "\u0663\u0663\u0663\u0663"}, {"year": "2024\n"}):
        with pytest.raises(ValidationError):
            module.Settings.model_validate(bad)
    for bad in ({"any": "ab"}, {"code": "\u00e9"}, {"code": "a\n"}):
        with pytest.raises(ValidationError):
            module.Settings.model_validate(bad)


PATTERN_KEYS: dict[str, Any] = {
    "name": "patternkeys",
    "connection": {
        "settingsSchema": {
            "type": "object",
            "properties": {
                "ahead": {
                    "type": "object",
                    "patternProperties": {"^(?!x)[a-z]+$": {"type": "integer"}},
                },
                "letters": {
                    "type": "object",
                    "patternProperties": {"^\\p{L}+$": {"type": "string"}},
                },
                "named": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "propertyNames": {"pattern": "^[a-z]+$"},
                },
                "invisible": {"type": "string", "pattern": "^a\u2028\u202eb$"},
            },
        }
    },
}


def test_pattern_property_keys_follow_the_same_engine_rules(
    tmp_path: Path, modules: list[str]
) -> None:
    connector = build(tmp_path, PATTERN_KEYS)
    text = python_settings.emit(connector)["settings.py"]
    assert "#/properties/letters/patternProperties '^\\\\p{L}+$'" in text.splitlines()[2]
    module = settings_of(connector, tmp_path, "patternkeys_settings", modules)
    Settings = module.Settings
    assert Settings.model_validate({"ahead": {"ab": 1}, "letters": {"1": "x"}, "named": {"a": "b"}})
    for bad in ({"ahead": {"xb": 1}}, {"ahead": {"ab": "s"}}, {"named": {"A1": "b"}}):
        with pytest.raises(ValidationError):
            Settings.model_validate(bad)
    # A pattern holding a line separator and a bidi override: escaped in the code, exact in use.
    assert Settings.model_validate({"invisible": "a\u2028\u202eb"}).invisible == "a\u2028\u202eb"
    with pytest.raises(ValidationError):
        Settings.model_validate({"invisible": "ab"})


DISCRIMINATED: dict[str, Any] = {
    "name": "tagged",
    "connection": {
        "settingsSchema": {
            "type": "object",
            "required": ["credentials"],
            "$defs": {
                "Token": {
                    "type": "object",
                    "required": ["token"],
                    "properties": {
                        "kind": {"const": "token", "default": "token"},
                        "token": {"type": "string", "writeOnly": True},
                    },
                },
                "Basic": {
                    "type": "object",
                    "required": ["user"],
                    "properties": {
                        "kind": {"const": "basic", "default": "basic"},
                        "user": {"type": "string"},
                    },
                },
            },
            "properties": {
                "credentials": {
                    "oneOf": [{"$ref": "#/$defs/Token"}, {"$ref": "#/$defs/Basic"}],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"token": "#/$defs/Token", "basic": "#/$defs/Basic"},
                    },
                }
            },
        }
    },
}


def test_an_openapi_discriminator_does_not_demand_the_tag(
    tmp_path: Path, modules: list[str]
) -> None:
    module = settings_of(build(tmp_path, DISCRIMINATED), tmp_path, "tagged_settings", modules)
    # Valid JSON Schema instances without the (not required) tag property.
    token = module.Settings.model_validate({"credentials": {"token": "t0k"}}).credentials
    assert token.token.get_secret_value() == "t0k"
    assert module.Settings.model_validate({"credentials": {"user": "u"}}).credentials.user == "u"
    with pytest.raises(ValidationError):
        module.Settings.model_validate({"credentials": {"kind": "basic", "token": "t"}})


def test_fixture_connectors_import(tmp_path: Path, modules: list[str]) -> None:
    from tests.support.emit_connectors import DRAFT7, MODERN, SHOPIFY

    for manifest in (DRAFT7, MODERN, SHOPIFY):
        name = f"{manifest['name']}_settings"
        module = settings_of(build(tmp_path, manifest), tmp_path, name, modules)
        assert issubclass(module.Settings, BaseModel)
    modern = sys.modules["modern_settings"].Settings
    tree = {"endpoint": {"url": "https://a.example"}, "tree": {"children": [{"endpoint": {}}]}}
    with pytest.raises(ValidationError):  # the recursive `$ref: "#"` validates the child too
        modern.model_validate(tree)
    assert modern.model_fields["token"].default is None  # a secret's default is BF409's


CLASHING: dict[str, Any] = {
    "name": "clashing",
    "connection": {
        "settingsSchema": {
            "type": "object",
            "required": ["k"],
            "$defs": {
                "Settings": {"type": "object", "properties": {"x": {"type": "integer"}}},
                "AfterValidator": {"type": "object", "properties": {"y": {"type": "integer"}}},
                "re": {"type": "string", "enum": ["a"]},
                "SecretStr": {"type": "object", "properties": {"w": {"type": "integer"}}},
            },
            "properties": {
                "k": {"type": "string", "writeOnly": True, "pattern": "^a"},
                "s": {"$ref": "#/$defs/Settings"},
                "a": {"$ref": "#/$defs/AfterValidator"},
                "r": {"$ref": "#/$defs/re"},
                "ss": {"$ref": "#/$defs/SecretStr"},
                "Settings": {"type": "string"},
                "_private": {"type": "string"},
                "None": {"type": "string"},
                "a b": {"type": "string"},
                "\u00fcn\u00ef": {"type": "string"},
            },
        }
    },
}


def test_names_that_clash_with_ours(tmp_path: Path, modules: list[str]) -> None:
    module = settings_of(build(tmp_path, CLASHING), tmp_path, "clashing_settings", modules)
    sample = {
        "k": "abc",
        "s": {"x": 1},
        "a": {"y": 2},
        "r": "a",
        "ss": {"w": 3},
        "Settings": "q",
        "_private": "p",
        "None": "n",
        "a b": "ab",
        "\u00fcn\u00ef": "u",
    }
    settings = module.Settings.model_validate(sample)  # the root keeps the name Settings
    assert set(by_alias(module.Settings)) == set(sample)
    dumped = settings.model_dump(by_alias=True, mode="json")
    assert dumped == {**sample, "k": "**********"}
    with pytest.raises(ValidationError):
        module.Settings.model_validate({**sample, "k": "zzz"})  # the helper was not shadowed


def test_no_settings_schema_no_file(tmp_path: Path) -> None:
    manifest = {"name": "bare", "permissions": {"http": ["https://api.example.com/*"]}}
    assert python_settings.emit(build(tmp_path, manifest)) == {}


def test_a_remote_ref_never_reaches_the_generator() -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": "other.json#/a"}}}
    with pytest.raises(python_settings.SettingsModelError, match="outside the settings schema"):
        python_settings.generate_settings_module(schema)


# --- Determinism and isolation. ----------------------------------------------------------------


def test_nothing_from_the_machine_or_the_generator_header(tmp_path: Path) -> None:
    text = python_settings.emit(build(tmp_path, COMPLEX))["settings.py"]
    assert text.startswith(f"# {NOTICE}\n")
    for leak in ("datamodel-codegen", "filename", "timestamp", str(tmp_path), str(ROOT), "0.89"):
        assert leak not in text
    assert python_settings.emit(build(tmp_path / "b", COMPLEX))["settings.py"] == text
    # Nothing a reader cannot see (U+2028, bidi overrides, a raw CR): all written as escapes.
    formatted = format_python({"f/settings.py": text})["f/settings.py"]
    assert all(char.isprintable() or char == "\n" for char in formatted)


_SCRIPT = """
import json, sys
from backfill_codegen.emit.python_settings import generate_settings_module
from backfill_codegen.format import format_python
schema = json.loads(sys.stdin.read())
text = format_python({"f/settings.py": generate_settings_module(schema)})["f/settings.py"]
sys.stdout.buffer.write(text.encode("utf-8"))
"""


def test_same_bytes_under_other_hash_seeds_and_directories(tmp_path: Path) -> None:
    schema = json.dumps(COMPLEX["connection"]["settingsSchema"])
    outputs = []
    for seed, cwd in (("0", ROOT), ("1", tmp_path), ("4242", tmp_path)):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "compiler")}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            input=schema.encode("utf-8"),
            capture_output=True,
            cwd=cwd,
            env=env,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].startswith(f"# {NOTICE}\n".encode())


def test_check_never_imports_the_generator_or_ruff() -> None:
    script = (
        "import sys\n"
        "from backfill_codegen.pipeline import check_manifest\n"
        "from backfill_codegen.resources import example_dir\n"
        "import backfill_codegen.emit.python_settings, backfill_codegen.format\n"
        "check_manifest(example_dir() / 'backfill.config.ts')\n"
        "names = ('datamodel_code_generator', 'ruff')\n"
        "print(sorted(m for m in sys.modules if m.startswith(names)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "compiler")},
        check=True,
    )
    assert done.stdout.strip() == "[]"
