"""BF413: what no generated settings model can serve (domain/settings_generable.py).

The same predicate guards the emitter (python_settings.assert_generable), so `check` and
`generate` cannot disagree about a schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.domain import settings_generable
from backfill_codegen.domain.settings_schema import SETTINGS_PATH
from backfill_codegen.rules.generable import SETTINGS_SCHEMA_NOT_GENERATABLE


def check_generable(manifest: Manifest) -> Iterator[Finding]:
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return
    for problem in settings_generable.problems(schema):
        at = Pointer((*SETTINGS_PATH, *problem.path))
        yield Finding(SETTINGS_SCHEMA_NOT_GENERATABLE, problem.message, at, help=problem.help)


CHECKS = (
    Check(
        "settings-generable",
        (SETTINGS_PATH,),
        check_generable,
        emits=(SETTINGS_SCHEMA_NOT_GENERATABLE,),
    ),
)
