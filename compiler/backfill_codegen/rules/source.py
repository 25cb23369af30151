"""Rules about reading the manifest file itself: encoding, syntax, static values, limits.

Produced by the reader (pipeline.read_source: BF002, BF006, BF009, BF010) and the front ends
(frontends/{json,yaml,typescript,tree}.py: BF001, BF003-BF008). BF006 (too-complex) is the
one limit rule of every stage: checks/budgets.py and the settings-limits check report it too.
In a route file, route_files/ passes on what the static TypeScript evaluator reports, renaming
BF001 and BF004 to their route-file rules (BF708, BF703).
"""

from backfill_codegen.diagnostics.model import Rule, Severity

E = Severity.ERROR

SYNTAX_ERROR = Rule(
    "BF001",
    "syntax-error",
    E,
    "The manifest is not valid TypeScript, JSON or YAML.",
    "The file could not be parsed in the format its extension names "
    "(`.ts`, `.json`, `.yaml`/`.yml`). JSON is strict: no comments, no trailing commas, "
    "double-quoted strings only. The caret points where the parser gave up.",
    '{ "name": "stripe", }',
    '{ "name": "stripe" }',
)

INVALID_ENCODING = Rule(
    "BF002",
    "invalid-encoding",
    E,
    "The manifest is not UTF-8 text.",
    "Manifests are read as UTF-8 (a leading byte-order mark is accepted and ignored). "
    "A byte sequence that is not UTF-8, or a NUL byte, usually means a binary file or an "
    "editor that saved in another encoding. Re-save the file as UTF-8.",
    "name: caf\\xe9   # Latin-1 byte",
    "name: café      # UTF-8",
)

DUPLICATE_KEY = Rule(
    "BF003",
    "duplicate-key",
    E,
    "An object has the same key twice.",
    "In every format a repeated key silently replaces the earlier value in most tools, so "
    "one of the two is a mistake. Keep one.",
    '{ "name": "stripe", "name": "stripe-v2" }',
    '{ "name": "stripe-v2" }',
)

NOT_STATIC = Rule(
    "BF004",
    "not-static",
    E,
    "A TypeScript manifest uses a value the compiler cannot know without running code.",
    "`backfill.config.ts` is read, never executed. Its default export may use literals, "
    "template literals, `+` on strings, references to top-level `const`s and object spread "
    "of those. A call, `process.env`, an imported binding or any other expression would "
    "need the code to run; write the value out, or move it into a top-level `const`.",
    "export default defineConfig({ name: process.env.NAME });",
    'const NAME = "stripe";\nexport default defineConfig({ name: NAME });',
)

NO_DEFAULT_EXPORT = Rule(
    "BF005",
    "no-default-export",
    E,
    "`backfill.config.ts` has no `export default`.",
    "The manifest is the file's default export: `export default defineConfig({...})`, "
    "`export default {...}`, or `export default config` naming a top-level `const`.",
    "export const config = { name: 'stripe' };",
    "export default defineConfig({ name: 'stripe' });",
)

TOO_COMPLEX = Rule(
    "BF006",
    "too-complex",
    E,
    "The manifest exceeds a resource limit (size, nesting, number of values, alias expansion "
    "or enum length).",
    "The compiler bounds its work so that no input can hang a build: at most 16 MiB of "
    "text, 256 levels of nesting, 1,000,000 parsed values, 100,000 values after YAML "
    "aliases are expanded (and TypeScript evaluation steps), 10,000 values in one settings "
    "`enum` and 20,000 in all of them, 10,000 subschemas in the settings schema. "
    'README\'s "Security and limits" lists every limit. A real '
    "manifest is far below these; this is almost always a generated or hostile file.",
    "a: &a [*a, *a]   # or a billion-laughs alias chain",
    "a: [1, 2]",
)

EMPTY_MANIFEST = Rule(
    "BF007",
    "empty-manifest",
    E,
    "The manifest file holds no value.",
    "An empty file (or one with only comments or whitespace) defines no connector. Write "
    "at least `name`.",
    "",
    '{ "name": "stripe" }',
)

UNSUPPORTED_VALUE = Rule(
    "BF008",
    "unsupported-value",
    E,
    "A value has no JSON equivalent (a YAML tag or timestamp, a non-string key, NaN).",
    "The manifest must be the same object in every format, so every value must be one "
    "JSON can hold: objects with string keys, arrays, strings, finite numbers, booleans and "
    "null. Quote YAML dates and keys, and drop custom tags.",
    "version: 2024-01-01   # a YAML timestamp",
    'version: "2024-01-01"',
)

MANIFEST_SYMLINK_OUTSIDE = Rule(
    "BF009",
    "manifest-symlink-outside",
    E,
    "The manifest is a symlink whose target lies outside its connector directory.",
    "A connector's manifest is read only from inside its connector directory (the folder "
    "that holds the manifest). A symlink that leads elsewhere (`~/.env`, "
    "`../../.git/config`, another connector) is not followed and not read, so nothing "
    "behind it can reach a diagnostic, a code frame or a generated file. Copy the manifest "
    "into the connector directory, or point the symlink at a file inside it.",
    "backfill.config.yaml -> ../../.git/config",
    "backfill.config.yaml -> config/prod.yaml   # a file inside the connector",
)

MANIFEST_NOT_A_FILE = Rule(
    "BF010",
    "manifest-not-a-file",
    E,
    "The manifest is not a regular file: a dangling symlink, a symlink loop, a folder, a "
    "device or a pipe.",
    "A path named like a manifest (`backfill.config.ts`, `.json`, `.yaml`, `.yml`) must be "
    "a regular file. A symlink whose target is missing or that loops back on itself, a "
    "folder, a FIFO or a device is reported instead of being read (reading a FIFO or "
    "`/dev/stdin` would hang the build).",
    "backfill.config.json -> missing.json",
    "backfill.config.json   # a regular file",
)

RULES = (
    SYNTAX_ERROR,
    INVALID_ENCODING,
    DUPLICATE_KEY,
    NOT_STATIC,
    NO_DEFAULT_EXPORT,
    TOO_COMPLEX,
    EMPTY_MANIFEST,
    UNSUPPORTED_VALUE,
    MANIFEST_SYMLINK_OUTSIDE,
    MANIFEST_NOT_A_FILE,
)
