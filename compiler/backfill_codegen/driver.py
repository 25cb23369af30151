"""The driver: `check`, `generate` and `openapi` as functions that return results.

The command line (cli.py) parses arguments, calls one of these, renders what it gets back and
sets the exit status. Everything between is here: finding the manifests, the checks in workers,
the cache policy of `generate` (which connectors it may skip, which entries it writes), where
each connector's files go, lowering, rendering, the lock, and the plan/apply of the writer.

Diagnostics and notes that must reach the user before a later step can still stop the run (a
write conflict, a full disk) go out as they are found, through the `report` callbacks; what is
known only at the end is in the returned result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backfill_codegen import batch
from backfill_codegen.checks import ALL_CHECKS
from backfill_codegen.diagnostics.model import Diagnostic, Finding, Pointer
from backfill_codegen.diagnostics.registry import all_rules, find_rule
from backfill_codegen.domain.settings_schema import SETTINGS_PATH
from backfill_codegen.pipeline import SCAFFOLDED, ManifestResult, resolve
from backfill_codegen.resources import data_dir, example_dir
from backfill_codegen.rules import oauth as oauth_rules
from backfill_codegen.rules import route_files as route_rules
from backfill_codegen.rules import settings as settings_rules
from backfill_codegen.rules import setup as setup_rules
from backfill_codegen.rules.generable import SETTINGS_SCHEMA_NOT_GENERATABLE
from backfill_codegen.workspace import UsageError, display_path, find_manifests

if TYPE_CHECKING:
    from backfill_codegen.cache import Hit, Inputs
    from backfill_codegen.generate import Job, SettingsFailed
    from backfill_codegen.parallel import Standby

#: Called with diagnostics as soon as they are final (the cli renders them on stderr).
OnDiagnostics = Callable[[list[Diagnostic]], None]
#: Called with a note about a file left alone (the cli prints `note: ...` on stderr).
OnNote = Callable[[str], None]


def _ignore_note(_: str) -> None:
    pass


class Checked:
    """What `check` found: each manifest's result, and its diagnostics that --select/--ignore
    keep (one list per manifest, in the manifests' order). Plain classes here, not dataclasses:
    this module loads on every `check`, and a dataclass costs start-up time to create."""

    __slots__ = ("kept", "results")

    def __init__(self, results: list[ManifestResult], kept: list[list[Diagnostic]]) -> None:
        self.results = results
        self.kept = kept

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for found in self.kept for d in found]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def summary_line(self) -> str:
        """`Checked 12 connectors: 1 with errors, ...` (for several connectors)."""

        return batch.summary_line(self.kept)


class Generated:
    """What `generate` did. `ok` is False when errors stopped it (they were reported) and
    nothing was written. With `check`: `stale` outputs would change, `diff` shows how. Without:
    `summary` lists what was written."""

    __slots__ = ("check", "diff", "ok", "stale", "summary")

    def __init__(
        self, ok: bool, check: bool = False, stale: int = 0, diff: str = "", summary: str = ""
    ) -> None:
        self.ok, self.check, self.stale, self.diff, self.summary = ok, check, stale, diff, summary


def rule_codes(values: Sequence[str]) -> tuple[str, ...]:
    """--select / --ignore values (codes, prefixes or rule names, comma-separated too) as code
    prefixes; an unknown one is a usage error."""
    codes = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            named = find_rule(part)
            code = named.code if named else part.upper()
            if not any(known.startswith(code) for known in all_rules()):
                raise UsageError(f"unknown rule code or prefix: {part}")
            codes.append(code)
    return tuple(codes)


#: Errors `generate --ignore` (or a `--select` that leaves them out) may pass over: judgments
#: about a well-formed value (a setting that looks like a pasted token, a call the allowlist
#: blocks, a default that fails its schema), which the emitters render faithfully. Any other
#: error means a value the outputs cannot be built from (a wrong type, an unparsable entry): it
#: is reported and stops `generate` whatever the filters say.
GENERATE_IGNORABLE = frozenset(
    rule.code
    for rule in (
        setup_rules.EMPTY_INSTRUCTIONS,
        settings_rules.UNKNOWN_REQUIRED,
        settings_rules.INVALID_DEFAULT,
        settings_rules.SECRET_VALUE_IN_MANIFEST,  # the emitters leave the value out
        settings_rules.MISSPELT_SETTINGS_KEYWORD,
        oauth_rules.UNCONSTRAINED_DYNAMIC_HOST,
        oauth_rules.PASTED_OAUTH_TOKEN,
        route_rules.MISSING_ROUTE_METHOD,
        route_rules.ROUTE_CONFIG_NOT_STATIC,
        route_rules.ROUTE_CONFIG_AUTH,
        route_rules.BLOCKED_HTTP_CALL,
        route_rules.OAUTH_NOT_DECLARED,
    )
)


def _generate_keeps(d: Diagnostic, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """What `generate` reports: what --select / --ignore keep, and every error it cannot pass
    over (GENERATE_IGNORABLE)."""
    if d.severity == "error" and d.code not in GENERATE_IGNORABLE and d.code not in SCAFFOLDED:
        return True
    return _wanted(d.code, select, ignore)


def _wanted(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """--select keeps only codes with one of its prefixes; --ignore then drops its prefixes."""
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


def skipped_checks(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    """The checks none of whose rules --select/--ignore keep: `check` need not run them."""
    if not select and not ignore:
        return frozenset()
    return frozenset(
        check.name
        for check in ALL_CHECKS
        if not any(_wanted(rule.code, select, ignore) for rule in check.emits)
    )


def check(
    paths: Sequence[Path],
    jobs: int | None = None,
    *,
    example: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Checked:
    """Check every manifest under `paths` (default: `.`; the bundled example with `example`)."""
    selected, ignored = rule_codes(select), rule_codes(ignore)
    paths = [example_dir()] if example else list(paths) or [Path(".")]
    results = batch.check_all(paths, jobs, skipped_checks(selected, ignored))
    return Checked(*_kept(results, select, ignore))


class Fixed:
    """What `check --fix` / `--diff` did: the unified diff of every manifest it changes (or
    would), how many diagnostics that fixes, in how many files, and the files it left alone
    because they changed while being checked."""

    __slots__ = ("changed", "diff", "files", "fixed", "skipped")

    def __init__(self, diff: str, fixed: int, changed: list[Path], skipped: list[str]) -> None:
        self.diff, self.fixed, self.changed, self.skipped = diff, fixed, changed, skipped
        self.files = len(changed)


def fix(checked: Checked, *, write: bool) -> Fixed:
    """The safe fixes of the diagnostics `check` kept (--select/--ignore apply), each manifest
    rewritten with minimal edits when `write` (only if it still holds the text checked)."""
    # start-up: the fixes load for --fix/--diff and the language server only
    from backfill_codegen.fixes import fix_manifest, unified
    from backfill_codegen.fixes.files import Changed, replace_text  # start-up: as above

    diffs, fixed, changed, skipped = [], 0, [], []
    for result, kept in zip(checked.results, checked.kept, strict=True):
        text, count = fix_manifest(result, kept)
        if not count or text == result.source.text:
            continue
        if write:
            try:
                replace_text(result.path, result.source.text, text)
            except Changed:
                skipped.append(result.source.path)
                continue
        diffs.append(unified(result.source.path, result.source.text, text))
        fixed += count
        changed.append(result.path)
    return Fixed("".join(diffs), fixed, changed, skipped)


def recheck(
    checked: Checked,
    paths: Sequence[Path],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Checked:
    """`checked` with the manifests at `paths` checked again (after --fix rewrote them): the
    others cannot have changed, so a fix costs the fixed connectors' checks, not the repo's."""
    skip = skipped_checks(rule_codes(select), rule_codes(ignore))
    again = {
        r.path: (r, kept)
        for r, kept in zip(*_kept(batch.check_all(paths, 1, skip), select, ignore), strict=True)
    }
    pairs = [again.get(r.path, (r, k)) for r, k in zip(checked.results, checked.kept, strict=True)]
    return Checked([r for r, _ in pairs], [k for _, k in pairs])


def _kept(
    results: list[ManifestResult], select: Sequence[str], ignore: Sequence[str]
) -> tuple[list[ManifestResult], list[list[Diagnostic]]]:
    selected, ignored = rule_codes(select), rule_codes(ignore)
    return results, [
        [d for d in r.diagnostics if _wanted(d.code, selected, ignored)] for r in results
    ]


def _checked(
    paths: list[Path],
    report: OnDiagnostics,
    jobs: int | None = None,
    *,
    scaffolding: bool = False,
    wanted: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    sources: Mapping[Path, bytes | None] | None = None,
) -> list[ManifestResult] | None:
    """Check every manifest; the results when none has an error, else None. The diagnostics
    (warnings too, which do not stop generation) go to `report`. When `scaffolding` and nothing
    stops the run, the errors that generate repairs by writing a stub (a missing route file) are
    not reported: the summary lists the stub instead. `sources`: manifests' bytes already read;
    `wanted`: generate's --select / --ignore."""
    results = batch.check_all(paths, jobs, sources=sources)
    for result in results:  # what --select / --ignore leave out neither shows nor stops
        result.diagnostics = [d for d in result.diagnostics if _generate_keeps(d, *wanted)]
    stopped = any(result.has_errors for result in results)
    diagnostics = [
        d
        for result in results
        for d in result.diagnostics
        if stopped or not scaffolding or d.code not in SCAFFOLDED
    ]
    if diagnostics:
        report(diagnostics)
    return None if stopped else results


def openapi(path: Path, report: OnDiagnostics) -> str | None:
    """The OpenAPI document of the one manifest at `path`; None when it has errors (reported)."""
    # start-up: the emitters and lowering are generate's and openapi's, never check's
    from backfill_codegen.emit.openapi import emit
    from backfill_codegen.lower import lower  # start-up: as above

    manifests = find_manifests([path])
    if len(manifests) != 1:  # before checking: which one is the user's to say
        names = "\n  ".join(display_path(manifest) for manifest in manifests)
        raise UsageError(
            f"{path.as_posix()}: holds {len(manifests)} manifests; name one:\n  {names}"
        )
    results = _checked(manifests, report)
    if results is None:
        return None
    (text,) = emit(lower(results[0].manifest, results[0].route_files)).values()
    json.loads(text)  # the emitter's contract: one JSON document
    return text


class _Run:
    """One `generate` run's settings and what it has learnt so far."""

    def __init__(
        self,
        example: bool,
        output: Path | None,
        check: bool,
        cache: bool,
        jobs: int | None,
        report: OnDiagnostics,
        note: OnNote,
        count: int,
        wanted: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    ) -> None:
        self.example, self.output, self.check, self.cache = example, output, check, cache
        self.wanted = wanted  # --select / --ignore, as code prefixes
        self.jobs, self.report, self.note, self.count = jobs, report, note, count
        self.inputs: dict[Path, Inputs | None] = {}
        self.hits: dict[Path, Hit] = {}
        self.skipped = 0


def generate(
    paths: Sequence[Path],
    report: OnDiagnostics,
    *,
    example: bool = False,
    output: Path | None = None,
    check: bool = False,
    cache: bool = True,
    jobs: int | None = None,
    note: OnNote = _ignore_note,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Generated:
    """Check, lower, render and write (or compare, with `check`) every connector the cache
    cannot vouch for; a connector whose inputs and outputs are as the last run left them is
    skipped, silently (its warnings are printed by `check`, or on the next miss). From the
    moment it reads an output directory to decide what to write until it has written, a run
    holds a lock on the folder holding it (writer.locked): concurrent runs into one output
    directory take turns. `cache=False` neither reads nor writes the cache.

    `select` / `ignore` filter the diagnostics as for `check`: an error they leave out neither is
    reported nor stops the run, when it is one of GENERATE_IGNORABLE. The cache is then off: an
    entry vouches for a run with every rule, and a run with fewer must not make the next, full
    one skip its checks."""
    wanted = rule_codes(select), rule_codes(ignore)
    cache = cache and wanted == ((), ())
    paths = [example_dir()] if example else list(paths) or [Path(".")]
    if example and output is None:
        output = Path("generated")  # never write into the installed package
    manifests = find_manifests(paths)
    run = _Run(example, output, check, cache, jobs, report, note, len(manifests), wanted)
    return _generate_cached(run, manifests)


def _generate_cached(run: _Run, manifests: list[Path]) -> Generated:
    """The cache's hits skipped (a hit only reads: a run racing with another ends with one
    run's complete set either way), the misses generated."""
    # start-up: the cache and the writer are generate's only (tests/cli/test_lazy_imports.py)
    from backfill_codegen import cache, writer

    stubs = not run.example
    if run.cache:
        # Read before the checks do: a file edited from here on makes this key stale (a miss
        # next time), never the outputs. --no-cache reads and writes no cache at all.
        run.inputs = {manifest: cache.read_inputs(manifest.absolute()) for manifest in manifests}
        run.hits = _cache_hits(
            manifests, run.inputs, run.output, run.example, stubs=stubs, check=run.check
        )
    misses = [manifest for manifest in manifests if manifest not in run.hits]
    run.skipped = sum(len(hit.entry.outputs) - 1 for hit in run.hits.values())  # the record aside
    if not run.check and run.hits:
        kept = [hit.output_dir for hit in run.hits.values()]
        with writer.locked(kept):
            writer.recover(*kept)  # what a killed run left beside them
    if not misses:
        if run.check:
            return Generated(ok=True, check=True)
        return Generated(ok=True, summary=writer.summary([], {}, also_unchanged=run.skipped))
    return _generate_misses(run, misses)


def _settings_failures(failed: SettingsFailed, results: list[ManifestResult]) -> list[Diagnostic]:
    """generate's last line of defence: the settings-model generator failed on a schema that
    passed `check`. BF413 at each connector's `settingsSchema`; nothing is written."""

    diagnostics = []
    for index, reason in sorted(failed.failures.items()):
        finding = Finding(
            SETTINGS_SCHEMA_NOT_GENERATABLE,
            f"settings.py could not be generated for this schema: {reason}",
            Pointer(SETTINGS_PATH, "key"),
            help="this is a bug in backfill-codegen's checks; please report it with the schema",
        )
        diagnostics.extend(resolve(results[index].document, [finding]))
    return diagnostics


def target(connector_dir: Path, name: str | None, output: Path | None, count: int) -> Path | None:
    """Where a connector's files go: `<connector>/generated`, `OUT`, or `OUT/<name>` with several
    connectors (None there while the name is unknown)."""
    if output is None:
        return connector_dir / "generated"
    if count == 1:
        return output.absolute()
    return None if name is None else output.absolute() / name


def _cache_hits(
    manifests: list[Path],
    inputs: dict[Path, Inputs | None],
    output: Path | None,
    example: bool = False,
    *,
    stubs: bool,
    check: bool = False,
) -> dict[Path, Hit]:
    """The connectors the cache vouches for, each with its output directory and cache entry."""
    from backfill_codegen import cache  # start-up: generate's only

    several = output is not None and len(manifests) > 1
    hits = {}
    for manifest in manifests:
        absolute = manifest.absolute()
        connector_dir = absolute.parent
        hit = cache.lookup(
            absolute,
            inputs.get(manifest),
            cache.cache_home(connector_dir, example=example),
            cache.slot(connector_dir, output, several, stubs=stubs),
            target(connector_dir, None, output, len(manifests)),
            output.absolute() if several and output is not None else None,
            stubs=stubs,
            create=not check,  # --check writes nothing, not even the machine's secret
        )
        if hit is not None:
            hits[manifest] = hit
    return hits


def _generate_misses(run: _Run, misses: list[Path]) -> Generated:
    from backfill_codegen.generate import head_start  # start-up: generate's only

    # A lone connector: the worker that will run the slow emitter starts importing
    # datamodel-code-generator now, while this process checks (render stops it when unused).
    standby = head_start(len(misses), run.jobs)
    try:
        return _check_and_render(run, misses, standby)
    finally:
        if standby is not None:
            standby.close()  # on an error before render; a no-op once render has used it


def _check_and_render(run: _Run, misses: list[Path], standby: Standby | None) -> Generated:
    # start-up: rendering and writing are generate's only (tests/cli/test_lazy_imports.py)
    from backfill_codegen import writer
    from backfill_codegen.generate import Job, SettingsFailed, render  # start-up: as above
    from backfill_codegen.lower import lower  # start-up: as above

    # The bytes the cache hashed are the bytes checked: each manifest read once, and the cache
    # key describes exactly what was generated.
    sources = {m: inputs.manifest for m in misses if (inputs := run.inputs.get(m)) is not None}
    results = _checked(
        misses, run.report, run.jobs, scaffolding=True, wanted=run.wanted, sources=sources
    )
    if results is None:
        return Generated(ok=False, check=run.check)
    jobs = []
    for result in results:
        connector = lower(result.manifest, result.route_files)
        connector_dir = result.path.parent.absolute()
        output_dir = target(connector_dir, connector.name, run.output, run.count)
        assert output_dir is not None
        jobs.append(Job(connector, connector_dir, output_dir, write_stubs=not run.example))
    targets = [job.output_dir for job in jobs]
    _refuse_shared_targets(
        [(r.path, job.output_dir) for r, job in zip(results, jobs, strict=True)]
        + [(manifest, hit.output_dir) for manifest, hit in run.hits.items()]
    )
    try:
        generated, scaffolds = render(jobs, run.jobs, standby)
    except SettingsFailed as failed:
        run.report(_settings_failures(failed, results))
        return Generated(ok=False, check=run.check)
    with writer.locked(targets, shared=run.check):  # the parents exist from here on
        return _write(run, results, jobs, (generated, scaffolds))


def _refuse_shared_targets(targets: list[tuple[Path, Path]]) -> None:
    """A usage error naming the first two connectors (manifests) that would write into one
    output directory (`-o OUT` with two connectors of the same `name`)."""
    seen: dict[Path, Path] = {}
    for manifest, output_dir in targets:
        other = seen.setdefault(output_dir, manifest)
        if other != manifest:
            first, second = sorted((display_path(other), display_path(manifest)))
            where = os.path.relpath(output_dir)
            raise UsageError(
                f"{first} and {second} would both generate into {where}: give the "
                "connectors different names"
            )


def _write(
    run: _Run,
    results: list[ManifestResult],
    jobs: list[Job],
    written: tuple[dict[Path, str], dict[Path, str]],
) -> Generated:
    """Plan and apply (or, with --check, compare), the output directories locked: what is on
    disk cannot change between the plan and the writes."""
    from backfill_codegen import writer  # start-up: generate's only

    generated, scaffolds = written
    targets = [job.output_dir for job in jobs]
    if not run.check:
        writer.recover(*targets)  # as apply would; also when nothing else is to be written
    try:
        plan = writer.plan(
            generated,
            scaffolds,
            {t: t for t in targets},
            display_path,
            connector_dirs=[job.connector_dir for job in jobs],
            names={job.output_dir: job.connector.name for job in jobs},
        )
    except writer.WriteConflict as error:
        raise UsageError(str(error)) from error
    for text in plan.notes:
        run.note(text)
    if run.check:
        changes = plan.changes
        diff = writer.diff(changes) if changes else ""
        return Generated(ok=True, check=True, stale=len(changes), diff=diff)
    try:
        writer.apply(plan.changes)
    except OSError as error:  # a full disk, a read-only folder: the old outputs stay whole
        raise UsageError(f"cannot write the generated files: {error}") from error
    if run.cache:
        stubs = [change.path for change in plan.changes if change.root is None]
        _save_cache(run, results, jobs, generated, stubs)
    summary = writer.summary(plan.changes, generated, also_unchanged=run.skipped)
    return Generated(ok=True, summary=summary)


def _save_cache(
    run: _Run,
    results: list[ManifestResult],
    jobs: list[Job],
    outputs: dict[Path, str],
    stubs: list[Path],
) -> None:
    """The cache entry of each connector this run may vouch for, written after its outputs (the
    lock still held): its inputs read the same after rendering as before the checks (nothing
    was edited meanwhile) and no stub changed its src/api/. Any other connector's entry for
    this way of generating it is removed."""
    from backfill_codegen import cache, record  # start-up: generate's only

    by_dir: dict[Path, dict[Path, str]] = {job.output_dir: {} for job in jobs}
    for path, text in outputs.items():
        owner = next(parent for parent in path.parents if parent in by_dir)  # the innermost
        by_dir[owner][path] = text
    # Every folder above a stub just written: its connector's src/api/ changed.
    stubbed = {parent for path in stubs for parent in path.parents}
    several = run.output is not None and run.count > 1
    for result, job in zip(results, jobs, strict=True):
        manifest = result.path.absolute()
        home = cache.cache_home(job.connector_dir, example=run.example)
        slot = cache.slot(job.connector_dir, run.output, several, stubs=job.write_stubs)
        before = run.inputs.get(result.path)
        changing = job.connector_dir / "src" / "api" in stubbed
        entry = None
        if before is not None and not changing and cache.read_inputs(manifest) == before:
            key = cache.key(before, manifest, job.output_dir, stubs=job.write_stubs)
            files = dict(by_dir[job.output_dir])
            relative = {p.relative_to(job.output_dir).as_posix(): t for p, t in files.items()}
            files[job.output_dir / record.RECORD_NAME] = record.dump(job.connector.name, relative)
            name, directory = job.connector.name, job.output_dir
            entry = cache.entry_for(key, name, job.connector_dir, directory, files)
        cache.save(home, slot, entry)


def docs(
    paths: Sequence[Path],
    report: OnDiagnostics,
    *,
    example: bool = False,
    output: Path | None = None,
    jobs: int | None = None,
    note: OnNote = _ignore_note,
) -> Generated:
    """Check every connector under `paths` and write the docs site (default `./site`) with the
    same writer as `generate`: planned in memory, swapped in atomically, only files its record
    lists overwritten. `ok` is False when errors stopped it (reported; nothing written)."""
    # start-up: the site and the writer are the docs command's only
    from backfill_codegen import writer
    from backfill_codegen.emit.site.build import build
    from backfill_codegen.lower import lower  # start-up: as above

    paths = [example_dir()] if example else list(paths) or [Path(".")]
    site = (output or Path("site")).absolute()
    # A declared route without its file (BF701) does not stop the docs: they describe the
    # manifest, and `generate` scaffolds the file.
    results = _checked(find_manifests(paths), report, jobs, scaffolding=True)
    if results is None:
        return Generated(ok=False)
    connectors = [lower(result.manifest, result.route_files) for result in results]
    names = [connector.name for connector in connectors]
    if len(set(names)) != len(names):
        raise UsageError("two connectors have the same name; the site needs one page each")
    files = {site / relative: text for relative, text in build(connectors).items()}
    with writer.locked([site]):
        writer.recover(site)
        try:
            plan = writer.plan(files, {}, {site: site}, display_path, names={site: "docs site"})
        except writer.WriteConflict as error:
            raise UsageError(str(error)) from error
        for text in plan.notes:
            note(text)
        try:
            writer.apply(plan.changes)
        except OSError as error:
            raise UsageError(f"cannot write the docs site: {error}") from error
    return Generated(ok=True, summary=writer.summary(plan.changes, files))


def explain(code: str | None) -> str:
    """What a rule checks, why, and how to fix it; without a code, the list of rules."""
    # start-up: explain's text builders; no other command needs them
    from backfill_codegen.diagnostics.explain import explain_rule, list_rules

    if code is None:
        return list_rules()
    found = find_rule(code)
    if found is None:
        raise UsageError(f"unknown rule: {code} (run `backfill-codegen explain` for the list)")
    return explain_rule(found)


def schema(output: Path | None) -> str | None:
    """The manifest's JSON Schema: returned, or written to `output` (then None). A usage error
    (exit 2, a message) when `output` cannot be written. A missing folder is not created: a typo
    in `-o` should not leave folders behind."""
    text = (data_dir("schemas") / "manifest.schema.json").read_text(encoding="utf-8")
    if output is None:
        return text
    # start-up: the escaping helpers load only to name an output file
    from backfill_codegen.diagnostics.render.display import display_path as printable

    shown = printable(str(output))
    if not output.parent.is_dir():
        raise UsageError(f"{shown}: the folder {printable(str(output.parent))} does not exist")
    if output.is_dir():
        raise UsageError(f"{shown}: is a folder; name the file to write")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{shown}: cannot write: {error.strerror or error}") from error
    return None


class NoUpstream(Exception):
    """`diff --against @{upstream}` on a branch without an upstream (diff.load raises it)."""


class Diffed:
    """What `diff` found: the diagnostics of sides that have errors, then the changes."""

    __slots__ = ("diagnostics", "pairs")

    def __init__(self, diagnostics: list[Diagnostic], pairs: int) -> None:
        self.diagnostics, self.pairs = diagnostics, pairs

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def diff(
    old: Path | None,
    new: Path | None,
    paths: Sequence[Path] = (),
    *,
    against: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Diffed:
    """`diff OLD NEW`, or `diff [PATH ...] --against REF`: each pair's sides are checked first
    (their errors stop that pair's comparison), then compared."""
    # start-up: diff's modules load only for `diff`
    from backfill_codegen.diff import load, report

    selected, ignored = rule_codes(select), rule_codes(ignore)
    if against is not None:
        try:
            pairs = list(load.from_git(list(paths) or [Path(".")], against))
        except load.NoUpstream as error:
            raise NoUpstream() from error
    elif old is None or new is None:
        raise UsageError("diff needs OLD and NEW, or --against REF")
    else:
        pairs = load.from_paths(old, new)
    found: list[Diagnostic] = []
    for pair in pairs:
        if pair.old.has_errors or pair.new.has_errors:
            found.extend(d for side in (pair.old, pair.new) for d in side.diagnostics)
            continue
        changes = report.changes(pair)
        found.extend(d for d in report.diagnostics(pair, changes))
    kept = [d for d in found if _wanted(d.code, selected, ignored)]
    return Diffed(kept, len(pairs))
