"""The command line's grammar: every command, its arguments and their help (cli.py runs them)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from backfill_codegen import __version__, scaffold

FORMATS = ("full", "concise", "json", "github", "sarif")


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


def _add_watch(command: argparse.ArgumentParser) -> None:
    text = "run again whenever a manifest or route file changes, until Ctrl-C"
    command.add_argument("--watch", action="store_true", help=text)


def _add_rule_filters(command: argparse.ArgumentParser) -> None:
    for option, text in (("--select", "report only"), ("--ignore", "do not report")):
        command.add_argument(
            option, nargs="+", default=[], metavar="CODE", help=f"{text} these codes"
        )


def parser() -> argparse.ArgumentParser:
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
    _add_rule_filters(check)
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the full format (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes, then report what is left"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a diff; write nothing"
    )
    _add_watch(check)
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
    _add_rule_filters(generate)
    generate.add_argument(
        "--no-cache",
        action="store_true",
        help="check and render every connector, even those unchanged since the last run; "
        "the cache is neither read nor written",
    )
    _add_watch(generate)
    _add_jobs(generate)

    docs = commands.add_parser(
        "docs", help="check, then write the docs site: a catalogue and a page per connector"
    )
    docs.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="manifests or directories; default: ."
    )
    docs.add_argument("--example", action="store_true", help="the bundled example connector")
    docs.add_argument(
        "-o", "--output", type=Path, metavar="SITE", help="the site's folder (default: ./site)"
    )
    docs.add_argument("--format", choices=FORMATS, default="full", help="diagnostics format")
    _add_jobs(docs)

    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document on stdout")
    openapi.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="a manifest or its directory; default: .",
    )

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

    commands.add_parser("lsp", help="run the language server on stdin/stdout (for editors)")
    init = commands.add_parser("init", help="create a new connector that passes check and tsc")
    init.add_argument(
        "directory", nargs="?", type=Path, default=Path("."), metavar="DIR", help="default: ."
    )
    init.add_argument("--template", choices=scaffold.TEMPLATES, help="default: api-key")
    init.add_argument("--format", choices=scaffold.FORMATS, help="the manifest's; default: ts")
    init.add_argument("--name", help="the connector's name (default: from DIR)")
    init.add_argument(
        "--force", action="store_true", help="add the missing files to a non-empty DIR"
    )
    return parser


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, except that an argument the command does not take is reported with that
    command's usage (argparse leaves it to the top parser, whose usage says nothing useful)."""
    arguments, extra = parser.parse_known_args(argv)
    if extra:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices[arguments.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return arguments
