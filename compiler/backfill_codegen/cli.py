"""The command line: argument parsing and exit codes, nothing else.

Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error or internal fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backfill_codegen import __version__

if TYPE_CHECKING:
    from backfill_codegen.cache import Hit, Inputs
    from backfill_codegen.generate import Job, SettingsFailed
    from backfill_codegen.pipeline import ManifestResult

FORMATS = ("full", "concise", "json", "github", "sarif")
EXIT_CLEAN, EXIT_ERRORS, EXIT_FAULT = 0, 1, 2


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of jobs, got {text!r}")
    return value


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="work in N worker processes (default: the CPUs; 1: no workers)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backfill-codegen",
        description="Check Backfill connector manifests and generate code from them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="report every problem in the manifests")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="manifest files or directories (searched recursively); default: .",
    )
    check.add_argument("--example", action="store_true", help="check the bundled example connector")
    check.add_argument("--format", choices=FORMATS, default="full", help="output format")
    check.add_argument(
        "--select", nargs="+", default=[], metavar="CODE", help="report only these codes"
    )
    check.add_argument(
        "--ignore", nargs="+", default=[], metavar="CODE", help="do not report these codes"
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the full format (auto: on a terminal, unless NO_COLOR is set)",
    )
    _add_jobs(check)

    generate = commands.add_parser(
        "generate", help="check, then write the generated files (nothing on any error)"
    )
    generate.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="manifests or directories; default: ."
    )
    generate.add_argument(
        "--example",
        action="store_true",
        help="generate the bundled example connector (output default: ./generated)",
    )
    generate.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="output directory (default: <connector>/generated; with several connectors, "
        "OUT/<name>)",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff when any output is stale",
    )
    generate.add_argument("--format", choices=FORMATS, default="full", help="diagnostics format")
    generate.add_argument(
        "--no-cache",
        action="store_true",
        help="check and render every connector, even those unchanged since the last run; "
        "the cache is neither read nor written",
    )
    _add_jobs(generate)

    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document on stdout")
    openapi.add_argument("path", type=Path, metavar="PATH", help="a manifest or its directory")

    explain = commands.add_parser("explain", help="what a rule checks, why, and how to fix it")
    explain.add_argument("code", nargs="?", help="a rule code or name; omit to list every rule")

    schema = commands.add_parser("schema", help="print the manifest's JSON Schema, for editors")
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 for --help
        return int(exit_.code or 0)
    from backfill_codegen.pipeline import UsageError

    try:
        if arguments.command == "check":
            return _check(arguments)
        if arguments.command == "generate":
            return _generate(arguments)
        if arguments.command == "openapi":
            return _openapi(arguments.path)
        if arguments.command == "explain":
            return _explain(arguments.code)
        return _schema(arguments.output)
    except UsageError as error:
        print(f"backfill-codegen: error: {error}", file=sys.stderr)
        return EXIT_FAULT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # an internal fault: a bug, never the user's input
        if os.environ.get("BACKFILL_CODEGEN_DEBUG"):
            raise
        print(
            f"backfill-codegen: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in backfill-codegen; set BACKFILL_CODEGEN_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        return EXIT_FAULT


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _codes(values: list[str]) -> tuple[str, ...]:
    from backfill_codegen.diagnostics.registry import all_rules, find_rule
    from backfill_codegen.pipeline import UsageError

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


def _wanted(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """--select keeps only codes with one of its prefixes; --ignore then drops its prefixes."""
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


def _check(arguments: argparse.Namespace) -> int:
    from backfill_codegen.batch import check_all, summary_line
    from backfill_codegen.diagnostics.render import render
    from backfill_codegen.resources import example_dir

    select, ignore = _codes(arguments.select), _codes(arguments.ignore)
    paths = list(arguments.paths) or [Path(".")]
    if arguments.example:
        paths = [example_dir()]
    results = check_all(paths, arguments.jobs)
    kept = [[d for d in r.diagnostics if _wanted(d.code, select, ignore)] for r in results]
    diagnostics = [d for found in kept for d in found]
    sys.stdout.write(render(diagnostics, arguments.format, color=_use_color(arguments.color)))
    if len(results) > 1 and arguments.format in ("full", "concise"):
        print(summary_line(kept))
    return EXIT_ERRORS if any(d.severity == "error" for d in diagnostics) else EXIT_CLEAN


def _checked(
    paths: list[Path], output_format: str, jobs: int | None = None, *, scaffolding: bool = False
) -> list | None:
    """Check every manifest; the results when none has an error, else None (diagnostics printed
    to stderr; warnings are printed too and do not stop generation). When `scaffolding` and
    nothing stops the run, the errors that generate repairs by writing a stub (a missing route
    file) are not printed: the summary lists the stub instead."""
    from backfill_codegen.batch import check_all
    from backfill_codegen.diagnostics.render import render
    from backfill_codegen.pipeline import SCAFFOLDED

    results = check_all(paths, jobs)
    stopped = any(result.has_errors for result in results)
    diagnostics = [
        d
        for result in results
        for d in result.diagnostics
        if stopped or not scaffolding or d.code not in SCAFFOLDED
    ]
    if diagnostics:
        sys.stderr.write(render(diagnostics, output_format, color=_use_color("auto")))
    return None if stopped else results


def _generate(arguments: argparse.Namespace) -> int:
    """Check, lower, render and write (or compare, with --check) every connector the cache cannot
    vouch for; a connector whose inputs and outputs are as the last run left them is skipped,
    silently (its warnings are printed by `check`, or on the next miss). From the moment it
    reads an output directory to decide what to write until it has written, a run holds a lock
    on the folder holding it (writer.locked): concurrent runs into one output directory take
    turns."""
    from backfill_codegen.pipeline import find_manifests
    from backfill_codegen.resources import example_dir

    paths = [example_dir()] if arguments.example else list(arguments.paths) or [Path(".")]
    output: Path | None = arguments.output
    if arguments.example and output is None:
        output = Path("generated")  # never write into the installed package
    manifests = find_manifests(paths)
    return _generate_cached(arguments, manifests, output)


def _generate_cached(
    arguments: argparse.Namespace, manifests: list[Path], output: Path | None
) -> int:
    """The cache's hits skipped (a hit only reads: a run racing with another ends with one
    run's complete set either way), the misses generated."""
    from backfill_codegen import cache, writer

    stubs = not arguments.example
    inputs: dict[Path, Inputs | None] = {}
    hits: dict[Path, Hit] = {}
    if not arguments.no_cache:
        # Read before the checks do: a file edited from here on makes this key stale (a miss
        # next time), never the outputs. --no-cache reads and writes no cache at all.
        inputs = {manifest: cache.read_inputs(manifest.absolute()) for manifest in manifests}
        hits = _cache_hits(
            manifests, inputs, output, arguments.example, stubs=stubs, check=arguments.check
        )
    misses = [manifest for manifest in manifests if manifest not in hits]
    skipped = sum(len(hit.entry.outputs) - 1 for hit in hits.values())  # the record aside
    if not arguments.check and hits:
        with writer.locked([hit.output_dir for hit in hits.values()]):
            for hit in hits.values():
                writer.recover(hit.output_dir)  # what a killed run left beside it
    if not misses:
        if arguments.check:
            print("Generated files are up to date.")
        else:
            from backfill_codegen.writer import summary

            sys.stdout.write(summary([], {}, also_unchanged=skipped))
        return EXIT_CLEAN
    return _generate_misses(arguments, misses, len(manifests), inputs, hits, output, skipped)


def _report_settings_failures(failed: SettingsFailed, results: list, output_format: str) -> None:
    """generate's last line of defence: the settings-model generator failed on a schema that
    passed `check`. BF413 at each connector's `settingsSchema`, on stderr; nothing is written."""
    from backfill_codegen.diagnostics.model import Finding, Pointer
    from backfill_codegen.diagnostics.render import render
    from backfill_codegen.pipeline import resolve
    from backfill_codegen.settings_schema import SETTINGS_PATH

    diagnostics = []
    for index, reason in sorted(failed.failures.items()):
        finding = Finding(
            "BF413",
            f"settings.py could not be generated for this schema: {reason}",
            Pointer(SETTINGS_PATH, "key"),
            help="this is a bug in backfill-codegen's checks; please report it with the schema",
        )
        diagnostics.extend(resolve(results[index].document, [finding]))
    sys.stderr.write(render(diagnostics, output_format, color=_use_color("auto")))


def _target(connector_dir: Path, name: str | None, output: Path | None, count: int) -> Path | None:
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
    from backfill_codegen import cache

    several = output is not None and len(manifests) > 1
    hits = {}
    for manifest in manifests:
        absolute = manifest.absolute()
        connector_dir = absolute.parent
        target = _target(connector_dir, None, output, len(manifests))
        hit = cache.lookup(
            absolute,
            inputs.get(manifest),
            cache.cache_home(connector_dir, example=example),
            cache.slot(connector_dir, output, several, stubs=stubs),
            target,
            output.absolute() if several and output is not None else None,
            stubs=stubs,
            create=not check,  # --check writes nothing, not even the machine's secret
        )
        if hit is not None:
            hits[manifest] = hit
    return hits


def _generate_misses(
    arguments: argparse.Namespace,
    misses: list[Path],
    count: int,
    inputs: dict[Path, Inputs | None],
    hits: dict[Path, Hit],
    output: Path | None,
    skipped: int,
) -> int:
    from backfill_codegen import writer
    from backfill_codegen.generate import Job, SettingsFailed, render
    from backfill_codegen.lower import lower
    from backfill_codegen.pipeline import UsageError

    results = _checked(misses, arguments.format, arguments.jobs, scaffolding=True)
    if results is None:
        return EXIT_ERRORS
    jobs = []
    for result in results:
        connector = lower(result.manifest, result.route_files)
        connector_dir = result.path.parent.absolute()
        target = _target(connector_dir, connector.name, output, count)
        assert target is not None
        jobs.append(Job(connector, connector_dir, target, write_stubs=not arguments.example))
    targets = [job.output_dir for job in jobs]
    every_target = targets + [hit.output_dir for hit in hits.values()]
    if len(set(every_target)) != len(every_target):
        raise UsageError("two connectors would generate into the same directory; use unique names")
    try:
        generated, scaffolds = render(jobs, arguments.jobs)
    except SettingsFailed as failed:
        _report_settings_failures(failed, results, arguments.format)
        return EXIT_ERRORS
    with writer.locked(targets, shared=arguments.check):  # the parents exist from here on
        written = (generated, scaffolds)
        return _write(arguments, results, jobs, inputs, written, output, count, skipped)


def _write(
    arguments: argparse.Namespace,
    results: list[ManifestResult],
    jobs: list[Job],
    inputs: dict[Path, Inputs | None],
    written: tuple[dict[Path, str], dict[Path, str]],
    output: Path | None,
    count: int,
    skipped: int,
) -> int:
    """Plan and apply (or, with --check, compare), the output directories locked: what is on
    disk cannot change between the plan and the writes."""
    from backfill_codegen import writer
    from backfill_codegen.pipeline import UsageError, display_path

    generated, scaffolds = written
    targets = [job.output_dir for job in jobs]
    if not arguments.check:
        for target in targets:
            writer.recover(target)  # as apply would; also when nothing else is to be written
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
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    if arguments.check:
        if plan.changes:
            sys.stdout.write(writer.diff(plan.changes))
            print(f"{len(plan.changes)} generated file(s) are stale; run backfill-codegen generate")
            return EXIT_ERRORS
        print("Generated files are up to date.")
        return EXIT_CLEAN
    try:
        writer.apply(plan.changes)
    except OSError as error:  # a full disk, a read-only folder: the old outputs stay whole
        raise UsageError(f"cannot write the generated files: {error}") from error
    if not arguments.no_cache:
        stubs = [change.path for change in plan.changes if change.root is None]
        _save_cache(arguments, results, jobs, inputs, generated, stubs, output, count)
    sys.stdout.write(writer.summary(plan.changes, generated, also_unchanged=skipped))
    return EXIT_CLEAN


def _save_cache(
    arguments: argparse.Namespace,
    results: list[ManifestResult],
    jobs: list[Job],
    inputs: dict[Path, Inputs | None],
    outputs: dict[Path, str],
    stubs: list[Path],
    output: Path | None,
    count: int,
) -> None:
    """The cache entry of each connector this run may vouch for, written after its outputs (the
    lock still held): its inputs read the same after rendering as before the checks (nothing
    was edited meanwhile) and no stub changed its src/api/. Any other connector's entry for
    this way of generating it is removed."""
    from backfill_codegen import cache, record

    by_dir: dict[Path, dict[Path, str]] = {job.output_dir: {} for job in jobs}
    for path, text in outputs.items():
        owner = next(parent for parent in path.parents if parent in by_dir)  # the innermost
        by_dir[owner][path] = text
    # Every folder above a stub just written: its connector's src/api/ changed.
    stubbed = {parent for path in stubs for parent in path.parents}
    several = output is not None and count > 1
    for result, job in zip(results, jobs, strict=True):
        manifest = result.path.absolute()
        home = cache.cache_home(job.connector_dir, example=arguments.example)
        slot = cache.slot(job.connector_dir, output, several, stubs=job.write_stubs)
        before = inputs.get(result.path)
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


def _openapi(path: Path) -> int:
    import json

    from backfill_codegen.emit.openapi import emit
    from backfill_codegen.lower import lower

    results = _checked([path], "full")
    if results is None:
        return EXIT_ERRORS
    if len(results) != 1:
        from backfill_codegen.pipeline import UsageError

        raise UsageError(f"{path}: holds {len(results)} manifests; name one")
    (text,) = emit(lower(results[0].manifest, results[0].route_files)).values()
    json.loads(text)  # the emitter's contract: one JSON document
    sys.stdout.write(text)
    return EXIT_CLEAN


def _explain(code: str | None) -> int:
    from backfill_codegen.diagnostics.explain import explain_rule, list_rules
    from backfill_codegen.diagnostics.registry import find_rule
    from backfill_codegen.pipeline import UsageError

    if code is None:
        sys.stdout.write(list_rules())
        return EXIT_CLEAN
    found = find_rule(code)
    if found is None:
        raise UsageError(f"unknown rule: {code} (run `backfill-codegen explain` for the list)")
    sys.stdout.write(explain_rule(found))
    return EXIT_CLEAN


def _schema(output: Path | None) -> int:
    from backfill_codegen.resources import data_dir

    text = (data_dir("schemas") / "manifest.schema.json").read_text(encoding="utf-8")
    if output is None:
        sys.stdout.write(text)
    else:
        _write_schema(output, text)
    return EXIT_CLEAN


def _write_schema(output: Path, text: str) -> None:
    """`schema -o FILE`: a usage error (exit 2, a message) when FILE cannot be written. A
    missing folder is not created: a typo in `-o` should not leave folders behind."""
    from backfill_codegen.diagnostics.render.display import display_path
    from backfill_codegen.pipeline import UsageError

    shown = display_path(str(output))
    if not output.parent.is_dir():
        raise UsageError(f"{shown}: the folder {display_path(str(output.parent))} does not exist")
    if output.is_dir():
        raise UsageError(f"{shown}: is a folder; name the file to write")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{shown}: cannot write: {error.strerror or error}") from error
