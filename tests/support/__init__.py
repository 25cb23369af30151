"""Helpers the tests share (a real package: `from tests.support.golden_support import run_cli`).

Nothing here is a test; pytest collects only `tests/<group>/test_*.py`."""
