"""A missing comma between two members, found where `tsc` finds it.

tree-sitter recovers from `{ a: 1 b: 2 }` with an ERROR node that often starts lines before the
real mistake. `tsc` says `',' expected` at the token after the value that lacks its comma. This
finds that place by repair: the earliest place where one value ends and the next begins with
nothing between them, up to the end of the broken region, where one inserted `,` makes the file
parse (as far as the region goes) with the comma separating members of a list (object, array,
arguments, parameters, imports), not forming a sequence expression.
"""

from __future__ import annotations

import itertools

from tree_sitter import Node, Parser

#: Where an inserted comma separates members; elsewhere (`1, 2`) it would change the meaning.
_LISTS = frozenset(
    {
        "object",
        "array",
        "arguments",
        "formal_parameters",
        "named_imports",
        "object_pattern",
        "array_pattern",
        "type_arguments",
        "object_type",
    }
)
#: A value whose last token is a closing quote: shown whole.
_WHOLE = frozenset({"string", "template_string"})
#: Tokens that can end a value, and tokens that can begin the next member.
_ENDS = frozenset(
    {'"', "'", "`", "number", "identifier", "property_identifier", "shorthand_property_identifier"}
    | {"]", "}", ")", "true", "false", "null", "undefined", "regex_flags", "/"}
)
_STARTS = frozenset(
    {'"', "'", "`", "number", "identifier", "property_identifier", "shorthand_property_identifier"}
    | {"[", "{", "(", "...", "true", "false", "null", "undefined", "-", "+", "!", "new"}
)
#: Candidate places tried per file: each is one parse of the whole file, so a large file gets
#: fewer (PARSE_BUDGET bytes parsed in all).
MAX_TRIES = 64
PARSE_BUDGET = 4 * 1024 * 1024


def missing_comma(parser: Parser, data: bytes, root: Node, error: Node) -> tuple[Node, Node] | None:
    """(the value before the missing comma, the token `tsc` reports at), or None."""
    high = error.end_byte
    tokens = [leaf for leaf in leaves(root) if leaf.type != "comment" and leaf.end_byte > 0]
    tried, limit = 0, min(MAX_TRIES, max(1, PARSE_BUDGET // max(len(data), 1)))
    for leaf, following in itertools.pairwise(tokens):
        if leaf.end_byte > high or tried >= limit:
            break
        # only where one value ends and the next begins with nothing between them
        if leaf.is_missing or leaf.type not in _ENDS or following.type not in _STARTS:
            continue
        tried += 1
        at = leaf.end_byte
        repaired = parser.parse(data[:at] + b"," + data[at:]).root_node
        comma = repaired.descendant_for_byte_range(at, at + 1)
        if comma is None or comma.type != "," or comma.parent is None:
            continue
        if comma.parent.type not in _LISTS or comma.parent.has_error:
            continue
        if _first_error_start(repaired) > high + 1:
            value = leaf.parent if leaf.parent is not None else leaf
            return (value if value.type in _WHOLE else leaf), following
    return None


def _first_error_start(root: Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_byte
        stack.extend(
            reversed([c for c in node.children if c.has_error or c.is_missing or c.type == "ERROR"])
        )
    return 1 << 62


def leaves(node: Node) -> list[Node]:
    """The tokens under a node in document order (iteratively: error trees may be deep)."""
    leaves: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.child_count == 0:
            leaves.append(current)
        else:
            stack.extend(reversed(current.children))
    return leaves
