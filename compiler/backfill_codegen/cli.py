"""The command line: argument parsing and exit codes, nothing else.

Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error or internal fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from backfill_codegen import __version__, driver, scaffold
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


def _add_watch(command: argparse.ArgumentParser) -> None:
    text = "run again whenever a manifest or route file changes, until Ctrl-C"
    command.add_argument("--watch", action="store_true", help=text)


def _add_rule_filters(command: argparse.ArgumentParser) -> None:
    for option, text in (("--select", "report only"), ("--ignore", "do not report")):
        command.add_argument(
            option, nargs="+", default=[], metavar="CODE", help=f"{text} these codes"
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


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, except that an argument the command does not take is reported with that
    command's usage (argparse leaves it to the top parser, whose usage says nothing useful)."""
    arguments, extra = parser.parse_known_args(argv)
    if extra:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices[arguments.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = _parse(_parser(), argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 for --help
        return int(exit_.code or 0)
    fixing = getattr(arguments, "fix", False) or getattr(arguments, "diff", False)
    if getattr(arguments, "watch", False) and fixing:
        print("backfill-codegen: error: --watch does not go with --fix or --diff", file=sys.stderr)
        return EXIT_FAULT
    if getattr(arguments, "fix", False) and arguments.example:
        print(
            "backfill-codegen: error: --fix never writes into the bundled example", file=sys.stderr
        )
        return EXIT_FAULT
    try:
        if getattr(arguments, "watch", False):
            return _watch(arguments)
        if arguments.command == "check":
            return _check(arguments)
        if arguments.command == "generate":
            return _generate(arguments)
        if arguments.command == "lsp":
            return _lsp()
        if arguments.command == "docs":
            return _docs(arguments)
        if arguments.command == "openapi":
            return _out(driver.openapi(arguments.path, _to_stderr("full")), none=EXIT_ERRORS)
        if arguments.command == "init":
            return _init(arguments)
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


def _conflict(arguments: argparse.Namespace) -> str | None:
    """Options that do not go together (argparse cannot say so across commands)."""
    fix, diff = getattr(arguments, "fix", False), getattr(arguments, "diff", False)
    if getattr(arguments, "watch", False) and (fix or diff):
        return "--watch does not go with --fix or --diff"
    if fix and arguments.example:
        return "--fix never writes into the bundled example"
    return None


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
    checked = _checked(arguments)
    if arguments.diff or arguments.fix:
        fixed = driver.fix(checked, write=not arguments.diff)
        for shown in fixed.skipped:
            _note(f"{shown} changed while it was checked; not fixed")
        if arguments.diff:
            sys.stdout.write(fixed.diff)
            print(f"{fixed.fixed} fixable problem(s) in {fixed.files} file(s)", file=sys.stderr)
            return EXIT_ERRORS if fixed.fixed else EXIT_CLEAN
        print(f"Fixed {fixed.fixed} problem(s) in {fixed.files} file(s).", file=sys.stderr)
        if fixed.changed:
            checked = driver.recheck(
                checked, fixed.changed, select=arguments.select, ignore=arguments.ignore
            )
    diagnostics = checked.diagnostics
    sys.stdout.write(render(diagnostics, arguments.format, color=_use_color(arguments.color)))
    if len(checked.results) > 1 and arguments.format in ("full", "concise"):
        print(checked.summary_line())
    return EXIT_ERRORS if checked.has_errors else EXIT_CLEAN


def _checked(arguments: argparse.Namespace) -> driver.Checked:
    return driver.check(
        arguments.paths,
        arguments.jobs,
        example=arguments.example,
        select=arguments.select,
        ignore=arguments.ignore,
    )


def _watch(arguments: argparse.Namespace) -> int:
    # start-up: watchfiles loads for --watch only
    from backfill_codegen.resources import example_dir
    from backfill_codegen.watch import watch  # start-up: as above

    roots = [example_dir()] if arguments.example else list(arguments.paths) or [Path(".")]
    once = _check_once(arguments) if arguments.command == "check" else _generate_once(arguments)
    several_into_one = arguments.command == "generate" and arguments.output is not None
    watch(roots, once, lambda line: print(line, flush=True), every_time=several_into_one)
    return EXIT_CLEAN


def _check_once(arguments: argparse.Namespace) -> Callable[[list[Path]], str]:
    def once(manifests: list[Path]) -> str:
        checked = driver.check(manifests, 1, select=arguments.select, ignore=arguments.ignore)
        found = checked.diagnostics
        sys.stdout.write(render(found, arguments.format, color=_use_color(arguments.color)))
        errors = sum(d.severity == "error" for d in found)
        return f"{errors} error(s), {len(found) - errors} warning(s)"

    return once


def _generate_once(arguments: argparse.Namespace) -> Callable[[list[Path]], str]:
    def once(manifests: list[Path]) -> str:
        generated = driver.generate(
            manifests,
            _to_stderr(arguments.format),
            output=arguments.output,
            check=arguments.check,
            cache=not arguments.no_cache,
            jobs=1,
            note=_note,
        )
        if not generated.ok:
            return "errors: nothing written"
        if generated.check:
            return f"{generated.stale} stale file(s)"
        sys.stdout.write(generated.summary)
        return generated.summary.splitlines()[-1]

    return once


def _lsp() -> int:
    # start-up: pygls loads for the language server only
    from backfill_codegen.lsp import serve

    serve()
    return EXIT_CLEAN


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
        select=arguments.select,
        ignore=arguments.ignore,
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


def _docs(arguments: argparse.Namespace) -> int:
    built = driver.docs(
        arguments.paths,
        _to_stderr(arguments.format),
        example=arguments.example,
        output=arguments.output,
        jobs=arguments.jobs,
        note=_note,
    )
    if not built.ok:
        return EXIT_ERRORS
    sys.stdout.write(built.summary)
    return EXIT_CLEAN


def _out(text: str | None, *, none: int = EXIT_CLEAN) -> int:
    """`text` on stdout and success; `none` when there is no text."""
    if text is None:
        return none
    sys.stdout.write(text)
    return EXIT_CLEAN


def _ask(question: str, choices: Sequence[str], default: str) -> str:
    """One question on the terminal; the default on an empty answer or end of input."""
    while True:
        try:
            answer = input(f"{question} [{'/'.join(choices) or default}] ({default}): ").strip()
        except EOFError:
            return default
        if not answer:
            return default
        if not choices or answer in choices:
            return answer
        print(f"choose one of: {', '.join(choices)}", file=sys.stderr)


def _on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _init(arguments: argparse.Namespace) -> int:
    directory: Path = arguments.directory
    template, manifest_format, name = arguments.template, arguments.format, arguments.name
    suggested = scaffold.default_name(directory) or "my-connector"
    if _on_terminal():  # prompts only on a terminal, never in CI or a script
        template = template or _ask("Template", scaffold.TEMPLATES, "api-key")
        manifest_format = manifest_format or _ask("Manifest format", scaffold.FORMATS, "ts")
        name = name or _ask("Connector name", (), suggested)
    done = scaffold.scaffold(
        directory,
        template or "api-key",
        manifest_format or "ts",
        name or scaffold.default_name(directory) or "",
        force=arguments.force,
    )
    shown = directory.as_posix()
    if not done.written:
        print(f"{shown}/ already holds every file init writes; nothing was changed.")
        return EXIT_CLEAN
    print(f"Created {shown}/ from the {template or 'api-key'} template:")
    for relative in done.written:
        print(f"  {relative}")
    for relative in done.kept:
        print(f"  {relative} (exists: kept as it is)")
    sys.stdout.write(scaffold.next_steps(directory, shown))
    return EXIT_CLEAN
