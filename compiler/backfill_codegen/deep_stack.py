"""Running recursive library code (jsonschema, datamodel-code-generator) on deep schemas.

Both recurse a few dozen frames per nesting level, and a schema as deep as the front ends allow
(`limits.MAX_DEPTH`) needs more than Python's default 1,000 frames and its default C stack.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_RECURSION_LIMIT = 100_000
_STACK_BYTES = 512 * 1024 * 1024


def deeply(work: Callable[[], T]) -> T:
    """Run `work` on a thread with a large stack and a high recursion limit, so it neither hits
    RecursionError nor overflows the C stack. Exceptions propagate to the caller."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        try:
            old_stack = threading.stack_size(_STACK_BYTES)
            try:
                thread = threading.Thread(target=run, name="deep-stack")
                thread.start()
            finally:
                threading.stack_size(old_stack)
        except (RuntimeError, ValueError, MemoryError):
            run()  # no thread to be had (a tight ulimit): run here, within the default stack
        else:
            thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return result[0]
