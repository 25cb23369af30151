"""Every JSON Schema validator the compiler builds, built so that it cannot fetch anything.

Both libraries fetch a `$ref` they cannot find in their registry unless told not to: Python's
`jsonschema` falls back to `urllib` (with a deprecation warning) and jsonschema-rs to its HTTP
client. A settings schema with a remote `$ref` (BF405) next to a `default` would then make `check`
send a request to any host the manifest names. So no code builds a validator directly: it asks
this module, whose retriever refuses every URI (the metaschemas come from the registries bundled
with the libraries, which never need retrieval). A refused reference is an unresolvable one;
the checks report it (BF405) and never see its content.

Nothing heavy is imported here: each library is imported by the function that needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry  # start-up: referencing only with Python's jsonschema


class RetrievalRefused(LookupError):
    """Raised by the retrievers below: the compiler never fetches a schema."""

    def __init__(self, uri: str) -> None:
        super().__init__(f"not fetched (the compiler never fetches schemas): {uri}")
        self.uri = uri


def refuse(uri: str) -> Any:
    """The retriever of every registry: refuse, whatever the URI (http, file, urn, relative)."""
    raise RetrievalRefused(uri)


@cache
def python_registry() -> Registry[Any]:
    """A `referencing` registry that retrieves nothing. jsonschema adds the bundled
    metaschemas (`jsonschema_specifications`) to any registry it is given."""
    from referencing import Registry  # start-up: referencing only with Python's jsonschema

    return Registry(retrieve=refuse)  # type: ignore[call-arg]


def python_validator(cls: type[Validator], schema: Any) -> Validator:
    """`cls(schema)` (a Python jsonschema validator class) that resolves only what `schema`
    and the bundled metaschemas hold."""
    return cls(schema, registry=python_registry())


def rs_validator(cls: Any, schema: Any, **options: Any) -> Any:
    """`cls(schema, **options)` (a jsonschema-rs validator class) with a retriever that refuses
    every URI and no format checks (a format checker could resolve names)."""
    settings: Mapping[str, Any] = {"validate_formats": False, **options, "retriever": refuse}
    return cls(schema, **settings)
