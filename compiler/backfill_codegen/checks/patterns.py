"""BF512: a settings `pattern` that `settings.py` cannot check faithfully.

The generated models check each pattern through its Python translation
(domain/ecma_translate.py). A valid pattern without one (`\\p{...}`, a backreference into
a repetition, an unbounded look-behind) is left out of the models; this warns where it is written,
so the author learns it at `check` time rather than from a comment in generated code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.domain import ecma
from backfill_codegen.domain.settings_schema import SETTINGS_PATH, walk
from backfill_codegen.rules.patterns import PATTERN_NOT_IN_MODEL


def _finding(pattern: str, why: str, at: Pointer) -> Finding:
    return Finding(
        PATTERN_NOT_IN_MODEL,
        f"`settings.py` will not check this pattern: {why}",
        at,
        help="the dashboard still enforces it; write it without `\\p{...}`, backreferences into "
        "a repetition and unbounded look-behinds to have it checked in Python too",
    )


def check_translatable(manifest: Manifest) -> Iterator[Finding]:
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return
    # start-up: the regex translator loads only for a pattern
    from backfill_codegen.domain.ecma_translate import untranslatable

    def why_not(pattern: object) -> str | None:
        # An invalid pattern is BF407's.
        if not isinstance(pattern, str) or ecma.compile_error(pattern) is not None:
            return None
        return untranslatable(pattern)

    for sub in walk(schema):
        pattern = sub.schema.get("pattern")
        if (why := why_not(pattern)) is not None:
            assert isinstance(pattern, str)
            yield _finding(pattern, why, Pointer((*SETTINGS_PATH, *sub.path, "pattern")))
        keyed = sub.schema.get("patternProperties")
        if isinstance(keyed, Mapping):
            for key in keyed:
                if (why := why_not(key)) is not None:
                    where = (*SETTINGS_PATH, *sub.path, "patternProperties", key)
                    yield _finding(key, why, Pointer(where, "key"))


CHECKS = (
    Check(
        "settings-pattern-translation",
        (SETTINGS_PATH,),
        check_translatable,
        emits=(PATTERN_NOT_IN_MODEL,),
    ),
)
