"""The command line: run the command arguments.py parsed, render its result, set the exit code.

Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error or internal fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from backfill_codegen import driver, scaffold
from backfill_codegen.arguments import parse, parser
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.render import render
from backfill_codegen.workspace import UsageError

EXIT_CLEAN, EXIT_ERRORS, EXIT_FAULT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = parse(parser(), argv)
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
