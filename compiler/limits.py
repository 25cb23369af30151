"""Resource limits: no input may make the compiler run unbounded. Stated in the README."""

#: Largest manifest read, in bytes.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
#: Deepest nesting of objects/arrays (and of TS expressions) in a manifest.
MAX_DEPTH = 256
#: Most values (objects, arrays, scalars) in one manifest after YAML aliases are expanded.
MAX_VALUES = 100_000
#: Most values a JSON or YAML manifest may hold as parsed. The size limit alone lets 16 MiB of
#: `[0,0,...]` hold 8 million values (3 GB of memory, 40 s); a realistic manifest of 16 MiB holds
#: under 800,000. (TypeScript and YAML aliases have the tighter MAX_VALUES.)
MAX_PARSED_VALUES = 1_000_000
#: Most values one settings `enum` may list. Naming the members of the generated Python enum
#: (datamodel-code-generator) takes time quadratic in their number: 10,000 values take about
#: 5 seconds, 90,000 several minutes. No dashboard list is that long.
MAX_ENUM_VALUES = 10_000
#: A route names a file, `src/api/<route>.ts`: file systems refuse names past 255 bytes and
#: paths past a few thousand, so routes stay well below both.
MAX_ROUTE_CHARS = 1024
MAX_SEGMENT_CHARS = 128
#: Largest route file read, in bytes (the manifest's limit).
MAX_ROUTE_FILE_BYTES = MAX_MANIFEST_BYTES
#: Most route files read in one connector.
MAX_ROUTE_FILES = 5_000
#: Longest regular expression (`pattern`, `patternProperties`, dynamic host) run at all.
MAX_PATTERN_CHARS = 4096
