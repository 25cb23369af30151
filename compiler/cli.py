"""The command line: argument parsing and exit codes, nothing else.

Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error or internal fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from compiler import __version__

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
        help="check manifests in N worker processes (default: the CPUs; 1: no workers)",
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
    from compiler.pipeline import UsageError

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
    from compiler.diagnostics.registry import all_rules, find_rule
    from compiler.pipeline import UsageError

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
    from compiler.batch import check_all, summary_line
    from compiler.diagnostics.render import render
    from compiler.resources import example_dir

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
    from compiler.batch import check_all
    from compiler.diagnostics.render import render
    from compiler.pipeline import SCAFFOLDED

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
    from compiler import writer
    from compiler.generate import Job, render
    from compiler.lower import lower
    from compiler.pipeline import UsageError, display_path
    from compiler.resources import example_dir

    paths = [example_dir()] if arguments.example else list(arguments.paths) or [Path(".")]
    results = _checked(paths, arguments.format, arguments.jobs, scaffolding=True)
    if results is None:
        return EXIT_ERRORS
    output: Path | None = arguments.output
    if arguments.example and output is None:
        output = Path("generated")  # never write into the installed package
    jobs = []
    for result in results:
        connector = lower(result.manifest, result.route_files)
        connector_dir = result.path.parent.absolute()
        if output is None:
            target = connector_dir / "generated"
        elif len(results) == 1:
            target = output.absolute()
        else:
            target = output.absolute() / connector.name
        jobs.append(Job(connector, connector_dir, target, write_stubs=not arguments.example))
    targets = [job.output_dir for job in jobs]
    if len(set(targets)) != len(targets):
        raise UsageError("two connectors would generate into the same directory; use unique names")
    generated, scaffolds = render(jobs)
    try:
        plan = writer.plan(
            generated,
            scaffolds,
            {t: t for t in targets},
            display_path,
            connector_dirs=[job.connector_dir for job in jobs],
        )
    except writer.WriteConflict as error:
        raise UsageError(str(error)) from error
    if arguments.check:
        if plan.stale:
            sys.stdout.write(writer.diff(plan.changes))
            print(f"{len(plan.changes)} generated file(s) are stale; run backfill-codegen generate")
            return EXIT_ERRORS
        print("Generated files are up to date.")
        return EXIT_CLEAN
    try:
        writer.apply(plan.changes)
    except OSError as error:  # a full disk, a read-only folder: the old outputs stay whole
        raise UsageError(f"cannot write the generated files: {error}") from error
    sys.stdout.write(writer.summary(plan.changes, generated))
    return EXIT_CLEAN


def _openapi(path: Path) -> int:
    import json

    from compiler.emit.openapi import emit
    from compiler.lower import lower

    results = _checked([path], "full")
    if results is None:
        return EXIT_ERRORS
    if len(results) != 1:
        from compiler.pipeline import UsageError

        raise UsageError(f"{path}: holds {len(results)} manifests; name one")
    (text,) = emit(lower(results[0].manifest, results[0].route_files)).values()
    json.loads(text)  # the emitter's contract: one JSON document
    sys.stdout.write(text)
    return EXIT_CLEAN


def _explain(code: str | None) -> int:
    from compiler.diagnostics.explain import explain_rule, list_rules
    from compiler.diagnostics.registry import find_rule
    from compiler.pipeline import UsageError

    if code is None:
        sys.stdout.write(list_rules())
        return EXIT_CLEAN
    found = find_rule(code)
    if found is None:
        raise UsageError(f"unknown rule: {code} (run `backfill-codegen explain` for the list)")
    sys.stdout.write(explain_rule(found))
    return EXIT_CLEAN


def _schema(output: Path | None) -> int:
    from compiler.resources import data_dir

    text = (data_dir("schemas") / "manifest.schema.json").read_text(encoding="utf-8")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return EXIT_CLEAN
