"""Rules about regular expressions in the settings schema beyond their syntax (BF407)."""

from compiler.diagnostics.model import Severity
from compiler.diagnostics.registry import Rule

W = Severity.WARNING

RULES = (
    Rule(
        "BF512",
        "pattern-not-in-model",
        W,
        "A `pattern` has no faithful Python equivalent, so `settings.py` does not check it.",
        "The dashboard matches each `pattern` as `new RegExp(pattern, \"u\").test(value)`. The "
        "generated `settings.py` checks the same pattern after translating it to Python's `re` "
        "(so that `$`, `\\\\d`, `\\\\w`, `\\\\s`, `\\\\b` and `.` mean what they mean in "
        "JavaScript). A few constructs have no faithful translation: backreferences "
        "(`\\\\1`, `\\\\k<name>`), Unicode property escapes (`\\\\p{L}`) and look-behinds of "
        "variable width. Such a pattern is left out of the Python model, named in a comment at "
        "the top of `settings.py`; the dashboard still enforces it. Rewrite it without those "
        "constructs to have it checked in Python too.",
        '"code": { "type": "string", "pattern": "^(?<q>[ab])\\\\k<q>$" }',
        '"code": { "type": "string", "pattern": "^(?:aa|bb)$" }',
    ),
)
