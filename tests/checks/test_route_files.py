"""Connector-directory mode: route files under `src/api/` checked against the manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import ir
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.domain.urls import parse_entry
from backfill_codegen.frontends.ts_static import StaticModule
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import ManifestResult, check_manifest
from backfill_codegen.resources import example_dir
from backfill_codegen.route_files import RouteFile, discovery
from backfill_codegen.route_files.outbound import StaticUrl, judge, static_url
from backfill_codegen.route_files.parse import read_facts
from backfill_codegen.source import SourceFile

SDK = 'import { api, Http, OAuth } from "@backfill-io/sdk";\n'
TEST_CONNECTION = {"route": "/setup/test_connection", "method": "POST"}
WEBHOOK = "/api/v1/extensions/<tenant_id>/acme/routes/webhooks/acme?connection_id=<connection_id>"


def connector(root: Path, manifest: dict[str, Any], files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "backfill.config.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root / "backfill.config.json"


def check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    manifest: dict[str, Any],
    files: dict[str, str | bytes],
) -> ManifestResult:
    path = connector(tmp_path / "acme", manifest, files)
    monkeypatch.chdir(tmp_path)
    return check_manifest(path.relative_to(tmp_path))


def codes(result: ManifestResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def where(diagnostic: Diagnostic) -> tuple[str, int, str]:
    """File, line and the text the primary label covers."""
    label = diagnostic.primary
    assert label is not None
    line = label.source.position(label.span.start).line
    return label.source.path, line, label.source.text[label.span.start : label.span.end]


def route(body: str, method: str = "POST") -> str:
    return f"{SDK}\nexport const {method} = api(async (request) => {{\n{body}\n  return 1;\n}});\n"


# -- discovery --------------------------------------------------------------------------------


def test_route_paths_come_from_file_paths() -> None:
    assert discovery.route_of("src/api/setup/test_connection.ts") == "/setup/test_connection"
    assert discovery.route_of("src/api/webhooks/stripe.ts") == "/webhooks/stripe"
    assert discovery.route_of("src/api/Setup/Test.ts") is None
    assert discovery.route_of("src/api/a b.ts") is None


def test_no_src_api_folder_means_the_manifest_is_checked_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    result = check(tmp_path, monkeypatch, manifest, {"src/lib/x.ts": "export const x = 1;\n"})
    assert result.diagnostics == []
    assert result.route_files == ()


def test_the_bundled_example_is_clean_and_its_routes_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(example_dir())
    result = check_manifest(Path("backfill.config.ts"))
    assert result.diagnostics == []
    assert result.route_files == (
        RouteFile("/setup/test_connection", "src/api/setup/test_connection.ts", ("POST",)),
        RouteFile("/webhooks/stripe", "src/api/webhooks/stripe.ts", ("POST",)),
    )


def test_test_and_declaration_files_are_not_route_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "src/api/sync/orders.ts": route("", "GET"),
        "src/api/sync/orders.test.ts": route('Http.get("https://nowhere.example/x");', "GET"),
        "src/api/types.d.ts": "declare const x: number;\n",
        "src/api/.scratch.ts": "this is not TypeScript (((",
    }
    result = check(tmp_path, monkeypatch, {"name": "acme"}, files)
    assert result.diagnostics == []
    assert [f.route for f in result.route_files] == ["/sync/orders"]


# -- declared routes --------------------------------------------------------------------------


def test_missing_route_file_is_reported_at_the_manifest_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {
        "name": "acme",
        "connection": {"testConnection": TEST_CONNECTION, "setup": {"webhookUrlTemplate": WEBHOOK}},
    }
    files = {"src/api/webhooks/acme.ts": route("")}
    result = check(tmp_path, monkeypatch, manifest, files)
    assert codes(result) == ["BF701"]
    assert where(result.diagnostics[0]) == (
        "acme/backfill.config.json",
        5,
        '"/setup/test_connection"',
    )


def test_webhook_route_is_pointed_at_inside_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {"name": "acme", "connection": {"setup": {"webhookUrlTemplate": WEBHOOK}}}
    result = check(tmp_path, monkeypatch, manifest, {"src/api/other.ts": route("")})
    assert codes(result) == ["BF701"]
    assert where(result.diagnostics[0])[2] == "/webhooks/acme"


def test_misspelt_export_gets_did_you_mean_at_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    files = {"src/api/setup/test_connection.ts": route("", "Post")}
    result = check(tmp_path, monkeypatch, manifest, files)
    assert codes(result) == ["BF702"]
    diagnostic = result.diagnostics[0]
    assert where(diagnostic) == ("acme/src/api/setup/test_connection.ts", 3, "Post")
    assert diagnostic.help is not None and "rename `Post` to `POST`" in diagnostic.help
    assert [s.source.path for s in diagnostic.secondary] == ["acme/backfill.config.json"]


@pytest.mark.parametrize(
    "export",
    [
        "export const POST = api(async () => 1);",
        "export function POST() { return 1; }",
        "export async function POST() { return 1; }",
        "const handler = api(async () => 1);\nexport { handler as POST };",
    ],
)
def test_every_export_form_of_the_method_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: str
) -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    files = {"src/api/setup/test_connection.ts": SDK + export + "\n"}
    result = check(tmp_path, monkeypatch, manifest, files)
    assert result.diagnostics == []


def test_a_file_without_the_method_or_a_close_name_is_reported_at_its_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    files = {"src/api/setup/test_connection.ts": "export const handler = 1;\n"}
    result = check(tmp_path, monkeypatch, manifest, files)
    assert codes(result) == ["BF702"]
    label = result.diagnostics[0].primary
    assert label is not None and label.span.start == 0


def test_a_syntax_error_does_not_hide_a_missing_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {
        "name": "acme",
        "connection": {"testConnection": TEST_CONNECTION, "setup": {"webhookUrlTemplate": WEBHOOK}},
    }
    files = {
        "src/api/setup/test_connection.ts": "export const POST = api(async () => {\n",
        "src/api/sync/orders.ts": route('Http.get("https://blocked.example/x");', "GET"),
    }
    result = check(tmp_path, monkeypatch, manifest, files)
    assert sorted(codes(result)) == ["BF701", "BF705", "BF708"]
    syntax = next(d for d in result.diagnostics if d.code == "BF708")
    assert where(syntax)[0] == "acme/src/api/setup/test_connection.ts"


def test_manifest_errors_turn_off_the_rules_that_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {
        "name": "acme",
        "permissions": {"http": ["http://api.acme.com/*"]},
        "connection": {"testConnection": {"route": "/Setup/Test", "method": "POST"}},
    }
    files = {"src/api/sync/orders.ts": route('Http.get("https://else.example/x");', "GET")}
    result = check(tmp_path, monkeypatch, manifest, files)
    # The manifest's own errors only: no BF701 for the bad route, no BF705/BF707 on a bad list.
    assert sorted(codes(result)) == ["BF201", "BF601"]


# -- config -----------------------------------------------------------------------------------


def test_config_must_be_static_with_a_string_auth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "src/api/a.ts": 'const AUTH = "api_key";\nexport const config = { auth: AUTH };\n',
        "src/api/b.ts": "export const config = { auth: getAuth() };\n",
        "src/api/c.ts": "export const config = { auth: 42 };\n",
        "src/api/d.ts": 'export { config } from "./a";\n',
    }
    result = check(tmp_path, monkeypatch, {"name": "acme"}, files)
    found = [(where(d)[0].rsplit("/", 1)[1], d.code) for d in result.diagnostics]
    assert found == [("b.ts", "BF703"), ("c.ts", "BF704"), ("d.ts", "BF703")]


# -- outbound calls ---------------------------------------------------------------------------


def test_three_hosts_one_not_allowed_gives_exactly_one_error_at_that_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {
        "name": "acme",
        "permissions": {"http": ["https://api.acme.com/*", "https://files.acme.com/*"]},
    }
    body = (
        '  Http.get("https://api.acme.com/v1/a");\n'
        '  Http.get("https://files.acme.com/b");\n'
        '  Http.put("https://other.example/c", {});\n'
    )
    result = check(tmp_path, monkeypatch, manifest, {"src/api/sync.ts": route(body)})
    assert codes(result) == ["BF705"]
    diagnostic = result.diagnostics[0]
    assert where(diagnostic) == (
        "acme/src/api/sync.ts",
        6,
        'Http.put("https://other.example/c", {})',
    )
    assert diagnostic.message.startswith("blocked at run time: no entry in `permissions.http`")
    assert diagnostic.help == "add `https://other.example/*` to `permissions.http`"


def _url(expression: str) -> StaticUrl:
    module = StaticModule(
        SourceFile("x.ts", f'const BASE = "https://api.x.com";\nf({expression});')
    )
    call = module.root.named_children[1].named_children[0]
    arguments = call.child_by_field_name("arguments")
    assert arguments is not None
    return static_url(module, arguments.named_children[0])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"https://api.x.com/v1/a"', StaticUrl("https://api.x.com/v1/a", True)),
        ("`${BASE}/v1/${id}/items`", StaticUrl("https://api.x.com/v1/", False)),
        ('BASE + "/v2/" + id', StaticUrl("https://api.x.com/v2/", False)),
        ("`https://${host}/x`", StaticUrl("https://", False)),
        ("request.url", StaticUrl("", False)),
        ('(BASE + "/v1/me") as string', StaticUrl("https://api.x.com/v1/me", True)),
    ],
)
def test_static_urls(expression: str, expected: StaticUrl) -> None:
    assert _url(expression) == expected


def _entries(*texts: str) -> list[Any]:
    return [parse_entry(text).entry for text in texts]


def test_a_prefix_is_allowed_only_when_one_entry_allows_every_continuation() -> None:
    entries = _entries("https://api.x.com/v1/*", "https://api.x.com/v2/*")
    allowed = judge(StaticUrl("https://api.x.com/v1/", False), entries)
    assert allowed is not None and allowed.allowed
    # `/v` might go on as `/v1/...` or `/v3/...`: no single entry allows all of them.
    partial = judge(StaticUrl("https://api.x.com/v", False), entries)
    assert partial is not None and not partial.allowed
    assert partial.suggestion == "https://api.x.com/v*"
    # Dot segments in the known part are removed before matching, as at run time.
    escaped = judge(StaticUrl("https://api.x.com/v1/../admin/", False), entries)
    assert escaped is not None and not escaped.allowed
    # The host may continue: not judged.
    assert judge(StaticUrl("https://api.x.com", False), entries) is None
    assert judge(StaticUrl("https://", False), entries) is None
    # Past the path (the query): the path is complete.
    query = judge(StaticUrl("https://api.x.com/v1/a?page=", False), entries)
    assert query is not None and query.allowed


def test_http_is_recognised_through_aliases_and_namespaces() -> None:
    text = (
        'import { Http as H } from "@backfill-io/sdk";\n'
        'import * as sdk from "@backfill-io/sdk";\n'
        'H.get("https://a.example/1");\n'
        'sdk.Http.post("https://b.example/2", {});\n'
        "sdk.OAuth.accessToken();\n"
        "const client = H;\n"
    )
    module = StaticModule(SourceFile("x.ts", text))
    facts = read_facts(module, "src/api/x.ts")
    assert [call.method for call in facts.calls] == ["get", "post"]
    assert [module.text(node) for node in facts.other_http_uses] == ["H"]
    assert [what for _, what in facts.oauth_uses] == ["sdk.OAuth.accessToken()"]


def test_oauth_use_without_connection_oauth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "  const opts = { auth: { oauth: { minTtlSeconds: 300 } } };\n"
        "  const off = { auth: { oauth: false } };\n"
        "  await OAuth.accessToken();\n"
    )
    files = {"src/api/sync.ts": route(body)}
    result = check(tmp_path, monkeypatch, {"name": "acme"}, files)
    assert [where(d)[1] for d in result.diagnostics if d.code == "BF706"] == [4, 6]

    oauth = {
        "type": "authorization_code",
        "authorizationUrlTemplate": "https://x.example/authorize",
        "tokenUrlTemplate": "https://x.example/token",
        "scopes": ["read"],
        "client": {"credentialKey": "x_app"},
    }
    with_oauth = check(
        tmp_path / "again", monkeypatch, {"name": "acme", "connection": {"oauth": oauth}}, files
    )
    assert "BF706" not in codes(with_oauth)


def test_unused_permission_only_when_every_url_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {
        "name": "acme",
        "permissions": {"http": ["https://api.acme.com/*", "https://old.acme.com/*"]},
    }
    known = {"src/api/a.ts": route('  Http.get("https://api.acme.com/v1");')}
    result = check(tmp_path / "known", monkeypatch, manifest, known)
    assert [(d.code, where(d)[2]) for d in result.diagnostics] == [
        ("BF707", '"https://old.acme.com/*"')
    ]
    for index, extra in enumerate(
        (
            "  Http.get(request.body.url);",  # a URL built at run time
            "  Http.get(`https://api.acme.com/${request.body.path}`);",  # known only in part
            "  const client = Http;",  # Http passed along
            '  import("../../../lib/client");',  # code outside src/api
        )
    ):
        files = {**known, "src/api/b.ts": route(extra)}
        other = check(tmp_path / str(index), monkeypatch, manifest, files)
        assert "BF707" not in codes(other), extra


# -- bad input --------------------------------------------------------------------------------


def test_non_utf8_route_file_is_reported_not_crashed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    files: dict[str, str | bytes] = {
        "src/api/setup/test_connection.ts": b"export const POST = 1; // caf\xe9\n",
        "src/api/nul.ts": "export const GET = 1;\0\n",
    }
    result = check(tmp_path, monkeypatch, manifest, files)
    # The route exists (no BF701) but its content is unknown (no BF702).
    assert codes(result) == ["BF709", "BF709"]
    assert where(result.diagnostics[1])[:2] == ("acme/src/api/setup/test_connection.ts", 1)


def test_files_over_the_limits_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "MAX_ROUTE_FILE_BYTES", 64)
    monkeypatch.setattr(discovery, "MAX_ROUTE_FILES", 2)
    files = {
        "src/api/a.ts": "export const GET = 1;\n",
        "src/api/b.ts": "export const GET = 1; // " + "x" * 100 + "\n",
        "src/api/c.ts": "export const GET = 1;\n",
    }
    result = check(tmp_path, monkeypatch, {"name": "acme"}, files)
    messages = sorted((where(d)[0], d.message) for d in result.diagnostics)
    assert [(path.rsplit("/", 1)[1], d.split(";")[0]) for path, d in messages] == [
        ("b.ts", "this route file is larger than 0 MiB"),
        ("c.ts", "more than 2 route files"),
    ]
    assert [f.route for f in result.route_files] == ["/a"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_leaving_the_directory_are_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.ts").write_text(route('Http.get("https://evil.example/x");'))
    manifest = {"name": "acme"}
    path = connector(tmp_path / "acme", manifest, {"src/api/inside/real.ts": route("")})
    api = path.parent / "src" / "api"
    (api / "leak.ts").symlink_to(outside / "leak.ts")
    (api / "folder").symlink_to(outside, target_is_directory=True)
    (api / "alias.ts").symlink_to(api / "inside" / "real.ts")  # inside: followed
    (api / "inside" / "loop").symlink_to(api, target_is_directory=True)  # a cycle: read once
    monkeypatch.chdir(tmp_path)
    result = check_manifest(Path("acme/backfill.config.json"))
    assert [(d.code, where(d)[0]) for d in result.diagnostics] == [
        ("BF710", "acme/src/api/folder"),
        ("BF710", "acme/src/api/leak.ts"),
    ]
    assert [f.route for f in result.route_files] == ["/alias", "/inside/real"]


# -- generate documents the route files -------------------------------------------------------


def test_lowering_adds_undeclared_route_files_with_no_roles() -> None:
    manifest = {"name": "acme", "connection": {"testConnection": TEST_CONNECTION}}
    files = (
        RouteFile("/setup/test_connection", "src/api/setup/test_connection.ts", ("GET", "POST")),
        RouteFile("/sync/orders", "src/api/sync/orders.ts", ("GET",)),
    )
    routes = lower(manifest, files).routes
    assert [(r.route, r.method, r.roles) for r in routes] == [
        ("/setup/test_connection", "GET", ()),
        ("/setup/test_connection", "POST", (ir.ROLE_TEST_CONNECTION,)),
        ("/sync/orders", "GET", ()),
    ]
    assert routes[2].platform_path == "/api/v1/extensions/{tenant_id}/acme/routes/sync/orders"
    assert routes[2].file == "src/api/sync/orders.ts"


def test_openapi_command_documents_route_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from backfill_codegen.cli import main

    files = {"src/api/sync/orders.ts": route("", "GET")}
    path = connector(tmp_path / "acme", {"name": "acme"}, files)
    monkeypatch.chdir(path.parent)
    assert main(["openapi", "."]) == 0
    document = json.loads(capsys.readouterr().out)
    operation = document["paths"]["/api/v1/extensions/{tenant_id}/acme/routes/sync/orders"]["get"]
    assert operation["operationId"] == "getSyncOrders"


_PIECES = st.sampled_from(
    [
        SDK,
        "export const POST = ",
        "export const config = ",
        "Http.get(",
        "Http.post(`https://api.acme.com/${",
        '"https://api.acme.com/v1/" + ',
        "OAuth.accessToken()",
        "{ auth: { oauth: true } }",
        "`${",
        "}",
        ")",
        "(",
        "{",
        ";",
        ",",
        "\n",
        "x",
        "\ud800",
        "import('../x')",
        "export { a as ",
        '"GET"',
    ]
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30))
def test_any_route_file_gives_located_diagnostics_and_no_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[str]
) -> None:
    text = "".join(pieces).encode("utf-8", "surrogatepass")
    manifest = {
        "name": "acme",
        "permissions": {"http": ["https://api.acme.com/v1/*"]},
        "connection": {"testConnection": TEST_CONNECTION},
    }
    result = check(tmp_path, monkeypatch, manifest, {"src/api/setup/test_connection.ts": text})
    for diagnostic in result.diagnostics:
        assert diagnostic.primary is not None
        assert diagnostic.code.startswith(("BF0", "BF7"))


def test_generate_scaffolds_a_missing_route_file_but_stops_on_other_route_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.golden_support import run_cli

    manifest = {
        "name": "acme",
        "connection": {"testConnection": TEST_CONNECTION, "setup": {"webhookUrlTemplate": WEBHOOK}},
    }
    path = connector(tmp_path / "acme", manifest, {"src/api/webhooks/acme.ts": route("")})
    folder = path.parent
    status, stdout, _ = run_cli(["check"], folder)
    assert status == 1 and "BF701" in stdout
    status, stdout, stderr = run_cli(["generate"], folder)
    assert status == 0, stderr
    assert "BF701" not in stderr  # repaired, not reported: the summary lists the stub instead
    assert "src/api/setup/test_connection.ts" in stdout
    assert (folder / "src/api/setup/test_connection.ts").exists()
    assert run_cli(["check"], folder)[0] == 0  # the scaffold passes every route-file rule

    (folder / "src/api/webhooks/acme.ts").write_text("export const Post = 1;\n")
    (folder / "src/api/setup/test_connection.ts").unlink()
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 1 and "BF702" in stderr
    assert "BF701" in stderr  # generate stops, so every error is reported


def test_a_manifest_value_left_out_as_not_static_turns_off_the_rules_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "acme"
    (folder / "src" / "api").mkdir(parents=True)
    (folder / "backfill.config.ts").write_text(
        'export default { name: "acme",\n'
        '  permissions: { http: ["https://api.acme.com/*", process.env.HOST] } };\n'
    )
    (folder / "src" / "api" / "a.ts").write_text(route('  Http.get("https://b.acme.com/x");'))
    monkeypatch.chdir(tmp_path)
    result = check_manifest(Path("acme/backfill.config.ts"))
    assert codes(result) == ["BF004"]  # the dropped entry might allow b.acme.com: no BF705


def test_routes_that_differ_only_in_separators_get_distinct_operation_ids() -> None:
    from backfill_codegen.lower import unique_operation_ids

    keys = [("/a-b", "GET"), ("/a/b", "GET"), ("/a_b", "GET"), ("/a-b2", "GET"), ("/a-b", "PUT")]
    ids = unique_operation_ids(keys)
    assert ids == {
        ("/a-b", "GET"): "getAB",
        ("/a-b", "PUT"): "putAB",
        ("/a-b2", "GET"): "getAB2",  # a plain id is never taken by a numbered one
        ("/a/b", "GET"): "getAB3",
        ("/a_b", "GET"): "getAB4",
    }
    # A route that clashes with nothing keeps its id whatever else is added.
    assert unique_operation_ids([("/x", "GET"), *keys])[("/x", "GET")] == "getX"
