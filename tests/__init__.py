"""The test suite (a package, so `tests.support` always resolves to this folder; test files sit in
tests/<group>/ folders without `__init__.py` and are imported by their unique basenames)."""
