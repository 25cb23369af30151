"""The installed wheel carries its data: the manifest schema, the bundled example, the matcher
runtime, and what `init` writes (its templates and the SDK declaration)."""

from __future__ import annotations

import importlib.metadata
import os

import pytest

from tests.support.paths import ROOT


def test_installed_distribution_carries_its_data() -> None:
    try:
        distribution = importlib.metadata.distribution("backfill-codegen")
    except importlib.metadata.PackageNotFoundError:
        if os.environ.get("CI"):
            pytest.fail("CI must install the project (pip install '.[test]') before testing")
        pytest.skip("the project is not installed in this environment")
    # A wheel lists installed paths (backfill_codegen/...); an editable install's egg-info lists
    # source paths, under the source root compiler/.
    names = {str(path).removeprefix("compiler/") for path in distribution.files or ()}
    assert "backfill_codegen/schemas/manifest.schema.json" in names
    assert "backfill_codegen/example/stripe/backfill.config.ts" in names
    assert "backfill_codegen/example/stripe/src/api/setup/test_connection.ts" in names
    # The matcher runtime that permissions.py and permissions.ts include verbatim.
    assert "backfill_codegen/runtime/permissions_runtime.py" in names
    assert "backfill_codegen/runtime/permissions_runtime.ts" in names
    # What `init` copies into a new connector.
    package = ROOT / "compiler" / "backfill_codegen"
    for path in [package / "sdk" / "index.d.ts", *(package / "templates" / "init").rglob("*.*")]:
        assert path.relative_to(package.parent).as_posix() in names
    scripts = distribution.entry_points.select(group="console_scripts")
    assert [entry.value for entry in scripts] == ["backfill_codegen.cli:main"]
