"""BF203: the routes the platform itself calls (testConnection, oauth.postConnect) are POST.

Generated over every role, every method and every manifest format: a non-POST method is one
located error at the method, a POST none, and generate never runs on the former."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen.domain.routes import METHODS
from backfill_codegen.pipeline import check_manifest

ROLES = ("testConnection", "postConnect")


def _manifest(role: str, method: str, route: str) -> dict[str, Any]:
    ref = {"route": route, "method": method}
    connection: dict[str, Any] = {}
    if role == "testConnection":
        connection["testConnection"] = ref
    else:
        connection["oauth"] = {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://auth.acme.example/authorize",
            "tokenUrlTemplate": "https://auth.acme.example/token",
            "scopes": ["read"],
            "client": {"credentialKey": "acme_app"},
            "postConnect": ref,
        }
    return {"name": "acme", "connection": connection}


def _write(folder: Path, manifest: dict[str, Any], form: str) -> Path:
    if form == "json":
        path = folder / "backfill.config.json"
        path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    elif form == "yaml":  # JSON is YAML; one value a line keeps the locations line-exact
        path = folder / "backfill.config.yaml"
        path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    else:
        path = folder / "backfill.config.ts"
        path.write_text(f"export default {json.dumps(manifest, indent=2)};\n", encoding="utf-8")
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    role=st.sampled_from(ROLES),
    method=st.sampled_from(METHODS),
    route=st.from_regex(r"/[a-z][a-z0-9_-]{0,8}(/[a-z0-9_-]{1,8}){0,2}", fullmatch=True),
    form=st.sampled_from(("json", "yaml", "ts")),
)
def test_only_post_is_accepted_for_platform_called_routes(
    tmp_path_factory: Any, role: str, method: str, route: str, form: str
) -> None:
    folder = tmp_path_factory.mktemp("m")
    path = _write(folder, _manifest(role, method, route), form)
    text = path.read_text(encoding="utf-8")
    result = check_manifest(path)
    found = [d for d in result.diagnostics if d.code == "BF203"]
    others = [d for d in result.diagnostics if d.severity == "error" and d.code != "BF203"]
    assert not others, others
    if method == "POST":
        assert not found
        return
    (diagnostic,) = found
    assert diagnostic.severity == "error" and result.has_errors
    assert diagnostic.help is not None and "POST" in diagnostic.help
    # Located at the method's value, on its own line of the file.
    assert diagnostic.primary is not None
    span = diagnostic.primary.span
    assert text[span.start : span.end] == f'"{method}"'
    assert diagnostic.primary.source.position(span.start).line > 1
