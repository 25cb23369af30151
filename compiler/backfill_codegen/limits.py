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
#: Longest regular expression (`pattern`, `patternProperties`) run, analysed or translated at
#: all (backfill_codegen/domain/ecma.py, backfill_codegen/domain/ecma_syntax.py).
MAX_PATTERN_CHARS = 4096
#: Seconds of regular-expression matching (in a child process, for patterns that could
#: backtrack badly) one manifest may cost in all, and one pattern at most
#: (backfill_codegen/domain/ecma.py).
#: Past them, the patterns left are "not checkable in bounded time" (BF404).
MAX_REGEX_SECONDS = 4.0
MAX_REGEX_SECONDS_PER_PATTERN = 2.0
#: Most `enum` values in one settings schema, all enums together. The generator's cost grows
#: with the square of each enum's size: 40 enums of 9,999 values took 106 s and 2.6 GB; two of
#: 10,000 take about 6 s.
MAX_ENUM_VALUES_TOTAL = 20_000
#: Most subschemas in one settings schema. The generator's time grows a little faster than
#: their number: 4,000 properties take 2.6 s, 16,000 take 10 s; a real settings form has a
#: few hundred.
MAX_SETTINGS_SUBSCHEMAS = 10_000
#: Most entries (files, folders, links) under `src/api/` the cache key walks; past it the
#: connector is simply not cached. Route files themselves stop at MAX_ROUTE_FILES (BF709).
MAX_CACHE_INPUT_ENTRIES = 4 * MAX_ROUTE_FILES
#: Keyword applications (each `type`, `anyOf`, `$ref`, ... applied to a value) that checking the
#: settings schema's defaults may cost in one manifest, and its seconds beyond the regex budget.
#: A chain of `anyOf`s over `$ref`s makes the count exponential in the chain's length (18 links:
#: 35 s, 1.6 GB); the goldens need at most a dozen, and 20,000 take about half a second. Past
#: either, the defaults left are "not checkable in bounded time" (BF404).
MAX_DEFAULT_STEPS = 20_000
MAX_DEFAULT_SECONDS = 2.0
#: Most schemas one settings subschema may stand for once its `allOf`/`anyOf`/`oneOf` members
#: and `$ref`s are unfolded. The settings generator (datamodel-code-generator's nullability
#: decision) walks every unfolded path: a chain of `anyOf`s of two `$ref`s to the next link takes
#: 2 s at 10 links, 6 s at 12, past a minute at 16.
MAX_UNFOLDED_CHOICES = 1_000
