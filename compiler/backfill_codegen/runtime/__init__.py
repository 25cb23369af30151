"""Runtime code that generated files carry verbatim (the matchers of permissions.py and
permissions.ts); kept here as real source so that ruff, tsc and the tests run on it directly."""
