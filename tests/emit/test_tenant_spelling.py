"""Every generated page a person reads spells the tenant token as the manifest does,
`<tenant_id>`: only openapi.json (where `{tenant_id}` is OpenAPI's path-parameter syntax) and a
sentence that names openapi.json's spelling write `{tenant_id}`."""

from __future__ import annotations

import pytest

from tests.support.paths import GOLDEN

READ_BY_PEOPLE = sorted(
    path
    for name in ("CONNECTOR.md", "routes.ts")
    for path in GOLDEN.glob(f"*/expected/generated/{name}")
)


@pytest.mark.parametrize("page", READ_BY_PEOPLE, ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_pages_people_read_spell_the_manifest_token(page) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    wrong = [line for line in lines if "{tenant_id}" in line and "openapi.json" not in line]
    assert not wrong


def test_there_are_pages_to_read() -> None:
    assert len(READ_BY_PEOPLE) >= 18
