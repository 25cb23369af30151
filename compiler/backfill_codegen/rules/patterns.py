"""Rules about regular expressions in the settings schema beyond their syntax (BF407).

Produced by checks/patterns.py.
"""

from backfill_codegen.diagnostics.model import Rule, Severity

W = Severity.WARNING

PATTERN_NOT_IN_MODEL = Rule(
    "BF512",
    "pattern-not-in-model",
    W,
    "A `pattern` has no faithful Python equivalent, so `settings.py` does not check it.",
    'The dashboard matches each `pattern` as `new RegExp(pattern, "u").test(value)`. The '
    "generated `settings.py` checks the same pattern after translating it to Python's `re` "
    "(so that `$`, `\\d`, `\\w`, `\\s`, `\\b` and `.` mean what they mean in "
    "JavaScript). A few constructs have no faithful translation: Unicode property escapes "
    "(`\\p{L}`), a backreference to a group inside a repetition or a look-around (ECMA-262 "
    "resets such a group on each pass; Python does not), and a look-behind of unbounded "
    "width. Such a pattern is left out of the Python model, named in a comment at "
    "the top of `settings.py`; the dashboard still enforces it. Rewrite it without those "
    "constructs to have it checked in Python too.",
    '"pin": { "type": "string", "pattern": "^(?:(?<d>[0-9])\\\\k<d>)+$" }',
    '"pin": { "type": "string", "pattern": "^(?:00|11|22|33|44|55|66|77|88|99)+$" }',
)

RULES = (PATTERN_NOT_IN_MODEL,)
