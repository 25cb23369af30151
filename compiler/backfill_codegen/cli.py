"""The command line: argument parsing and exit codes, nothing else.

Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error or internal fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from backfill_codegen import __version__, driver
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.render import render
from backfill_codegen.workspace import UsageError

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
    workers = "work in N worker processes (default: the CPUs; 1: no workers)"
    command.add_argument("-j", "--jobs", type=_jobs, metavar="N", help=workers)


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
    for option, text in (("--select", "report only"), ("--ignore", "do not report")):
        check.add_argument(
            option, nargs="+", default=[], metavar="CODE", help=f"{text} these codes"
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

    diff = commands.add_parser(
        "diff", help="report the changes that break installed connections (OLD -> NEW)"
    )
    diff.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="OLD NEW (manifests or connector directories); with --against: the manifests "
        "or directories to compare (default: .)",
    )
    diff.add_argument(
        "--against", metavar="REF", help="compare with each manifest's version at this git ref"
    )
    diff.add_argument("--format", choices=FORMATS, default="full", help="output format")
    for option, text in (("--select", "report only"), ("--ignore", "do not report")):
        diff.add_argument(option, nargs="+", default=[], metavar="CODE", help=f"{text} these codes")

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
    try:
        if arguments.command == "check":
            return _check(arguments)
        if arguments.command == "generate":
            return _generate(arguments)
        if arguments.command == "openapi":
            return _out(driver.openapi(arguments.path, _to_stderr("full")), none=EXIT_ERRORS)
        if arguments.command == "diff":
            return _diff(arguments)
        if arguments.command == "explain":
            return _out(driver.explain(arguments.code))
        return _out(driver.schema(arguments.output))  # None: written to the -o file
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


def _to_stderr(output_format: str) -> Callable[[list[Diagnostic]], None]:
    """Renders diagnostics on stderr as the driver reports them (generate, openapi)."""

    def report(diagnostics: list[Diagnostic]) -> None:
        sys.stderr.write(render(diagnostics, output_format, color=_use_color("auto")))

    return report


def _note(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)


def _check(arguments: argparse.Namespace) -> int:
    checked = driver.check(
        arguments.paths,
        arguments.jobs,
        example=arguments.example,
        select=arguments.select,
        ignore=arguments.ignore,
    )
    diagnostics = checked.diagnostics
    sys.stdout.write(render(diagnostics, arguments.format, color=_use_color(arguments.color)))
    if len(checked.results) > 1 and arguments.format in ("full", "concise"):
        print(checked.summary_line())
    return EXIT_ERRORS if checked.has_errors else EXIT_CLEAN


def _diff(arguments: argparse.Namespace) -> int:
    paths = arguments.paths
    if arguments.against is None and len(paths) != 2:
        raise UsageError("diff needs OLD and NEW (two paths), or --against REF")
    old, new = (None, None) if arguments.against is not None else paths
    try:
        diffed = driver.diff(
            old,
            new,
            paths if arguments.against is not None else (),
            against=arguments.against,
            select=arguments.select,
            ignore=arguments.ignore,
        )
    except driver.NoUpstream:
        _note("the current branch has no upstream: nothing to compare with, diff skipped")
        return EXIT_CLEAN
    if diffed.diagnostics or arguments.format not in ("full", "concise"):
        sys.stdout.write(render(diffed.diagnostics, arguments.format, color=_use_color("auto")))
    else:
        print(f"No breaking changes ({diffed.pairs} connector(s) compared).")
    return EXIT_ERRORS if diffed.has_errors else EXIT_CLEAN


def _generate(arguments: argparse.Namespace) -> int:
    generated = driver.generate(
        arguments.paths,
        _to_stderr(arguments.format),
        example=arguments.example,
        output=arguments.output,
        check=arguments.check,
        cache=not arguments.no_cache,
        jobs=arguments.jobs,
        note=_note,
    )
    if not generated.ok:
        return EXIT_ERRORS
    if not generated.check:
        sys.stdout.write(generated.summary)
        return EXIT_CLEAN
    if generated.stale:
        sys.stdout.write(generated.diff)
        print(f"{generated.stale} generated file(s) are stale; run backfill-codegen generate")
        return EXIT_ERRORS
    print("Generated files are up to date.")
    return EXIT_CLEAN


def _out(text: str | None, *, none: int = EXIT_CLEAN) -> int:
    """`text` on stdout and success; `none` when there is no text."""
    if text is None:
        return none
    sys.stdout.write(text)
    return EXIT_CLEAN
