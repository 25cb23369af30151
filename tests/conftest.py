"""Fixtures, options (`--update-golden`) and Hypothesis profiles only: nothing here is imported
by a test (shared helpers and paths live in tests/support/)."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden/*/expected from the current output (refused when CI is set)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    wanted = bool(request.config.getoption("--update-golden"))
    if wanted and os.environ.get("CI"):
        pytest.fail("--update-golden is refused when CI is set: expectations are reviewed by hand")
    return wanted


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("BACKFILL_CODEGEN_DEBUG", "1")  # a crash in a test shows its traceback


# Property tests that take their example count from the profile run 1,000 examples in CI.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
