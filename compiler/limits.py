"""Resource limits: no input may make the compiler run unbounded. Stated in the README."""

#: Largest manifest read, in bytes.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
#: Deepest nesting of objects/arrays (and of TS expressions) in a manifest.
MAX_DEPTH = 256
#: Most values (objects, arrays, scalars) in one manifest after YAML aliases are expanded.
MAX_VALUES = 100_000
