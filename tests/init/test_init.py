"""`backfill-codegen init`: every template in every format checks clean; the golden gen-init-*
cases are exactly what init writes (the golden runners then prove them like every gen-* case:
generate, tsc under four module settings, settings.py on samples); init never overwrites a
file, refuses a non-empty folder without --force, and prompts only on a terminal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backfill_codegen import scaffold
from tests.support.golden_support import run_cli as run
from tests.support.paths import GOLDEN

#: golden case -> (template, manifest format, --name) it holds.
CASES = {
    "gen-init-api-key": ("api-key", "ts", "acme"),
    "gen-init-oauth": ("oauth", "yaml", "acme-oauth"),
    "gen-init-webhook": ("webhook", "json", "acme-webhook"),
}
#: What a golden case holds besides init's files.
CASE_ONLY = ("expected", "samples.json")


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] not in skip
    }


def test_golden_cases_cover_every_template() -> None:
    assert sorted(template for template, _, _ in CASES.values()) == sorted(scaffold.TEMPLATES)
    assert {f for _, f, _ in CASES.values()} == set(scaffold.FORMATS)
    assert sorted(p.name for p in GOLDEN.glob("gen-init-*")) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_case_is_what_init_writes(case: str, tmp_path: Path, update_golden: bool) -> None:
    template, manifest_format, name = CASES[case]
    args = ["init", case, "--template", template, "--format", manifest_format, "--name", name]
    status, _, err = run(args, tmp_path)
    assert status == 0, err
    written = tree(tmp_path / case)
    golden = GOLDEN / case
    if update_golden:
        for relative in tree(golden, CASE_ONLY):
            (golden / relative).unlink()
        shutil.copytree(tmp_path / case, golden, dirs_exist_ok=True)
    assert tree(golden, CASE_ONLY) == written, "run pytest tests/init --update-golden"


def test_every_template_in_every_format_checks_clean_and_means_the_same(tmp_path: Path) -> None:
    for manifest_format in scaffold.FORMATS:  # one tree per format: names are unique in a tree
        tree_root = tmp_path / manifest_format
        tree_root.mkdir()
        for template in scaffold.TEMPLATES:
            args = ["init", template, "--template", template, "--format", manifest_format]
            assert run(args, tree_root)[0] == 0
        status, out, _ = run(["check", ".", "--format", "json"], tree_root)
        assert (status, json.loads(out)) == (0, []), manifest_format
    for template in scaffold.TEMPLATES:  # one manifest, three spellings: one OpenAPI document
        documents = {run(["openapi", f"{f}/{template}"], tmp_path)[1] for f in scaffold.FORMATS}
        assert len(documents) == 1 and documents != {""}, template


def test_a_folder_that_is_not_empty_is_refused_without_force(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = run(["init", "acme"], tmp_path)
    assert status == 2 and "--force" in err and out == ""
    assert tree(tmp_path / "acme") == {"notes.txt": b"mine"}


def test_force_adds_the_missing_files_and_never_overwrites_one(tmp_path: Path) -> None:
    connector = tmp_path / "acme"
    connector.mkdir()
    (connector / "tsconfig.json").write_text("{}", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    (connector / ".gitignore").symlink_to(outside)  # dangling: must not be created through
    status, out, _ = run(["init", "acme", "--force"], tmp_path)
    assert status == 0
    assert (connector / "tsconfig.json").read_text(encoding="utf-8") == "{}"
    assert not outside.exists()
    assert "tsconfig.json (exists: kept as it is)" in out
    assert (connector / "backfill.config.ts").is_file()
    again = tree(connector)
    status, out, _ = run(["init", "acme", "--force"], tmp_path)
    assert status == 0 and "nothing was changed" in out and tree(connector) == again


def test_a_second_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "backfill.config.json").write_text("{}", encoding="utf-8")
    status, _, err = run(["init", "acme", "--force", "--format", "ts"], tmp_path)
    assert status == 2 and "already holds a manifest" in err
    assert tree(tmp_path / "acme") == {"backfill.config.json": b"{}"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["init", "x", "--name", "GitHub Connector"], "not a connector name"),
        (["init", "2024"], "pass one with --name"),
        (["init", "x", "--template", "basic"], "invalid choice"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    status, _, err = run(args, tmp_path)
    assert status == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_the_name_comes_from_the_folder(tmp_path: Path) -> None:
    assert scaffold.default_name(tmp_path / "My Shop_Connector") == "my-shop-connector"
    assert run(["init", "My Shop_Connector"], tmp_path)[0] == 0
    text = (tmp_path / "My Shop_Connector" / "backfill.config.ts").read_text(encoding="utf-8")
    assert 'name: "my-shop-connector"' in text


def test_no_prompt_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: str) -> str:
        raise AssertionError("init prompted without a terminal")

    monkeypatch.setattr("builtins.input", refuse)
    assert run(["init", "acme"], tmp_path)[0] == 0


def test_prompts_on_a_terminal_for_what_flags_did_not_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["webhook", ""])  # template, then the default name; --format was given
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    monkeypatch.setattr("backfill_codegen.cli._on_terminal", lambda: True)
    status, _, err = run(["init", "shop", "--format", "yaml"], tmp_path)
    assert status == 0, err
    assert [q.split(" [")[0] for q in asked] == ["Template", "Connector name"]
    text = (tmp_path / "shop" / "backfill.config.yaml").read_text(encoding="utf-8")
    assert "name: shop\n" in text and "webhookUrlTemplate" in text


def test_a_terminal_prompt_ends_at_end_of_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def closed(_: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    monkeypatch.setattr("backfill_codegen.cli._on_terminal", lambda: True)
    assert run(["init", "shop"], tmp_path)[0] == 0  # every default
    assert (tmp_path / "shop" / "backfill.config.ts").is_file()
