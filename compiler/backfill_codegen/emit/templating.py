"""The jinja2 environment for backfill_codegen/templates/: strict, no autoescape surprises, our
escapers."""

from __future__ import annotations

from functools import cache

from backfill_codegen.emit import escape
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.resources import data_dir


@cache
def environment():  # -> jinja2.Environment; jinja2 is imported only when generating
    import jinja2  # start-up: jinja2 loads when the first template renders

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # each value is escaped for its language by an explicit filter
        keep_trailing_newline=True,
        auto_reload=False,  # package data: no need to stat each template on every render
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        json_text=escape.json_text,
        ts_string=escape.ts_string,
        py_string=escape.py_string,
        comment=escape.comment_text,
        md=escape.md_inline,
        md_cell=escape.md_cell,
        md_code=escape.md_code,
    )
    env.globals["NOTICE"] = NOTICE
    return env


def render(template: str, **context: object) -> str:
    # jinja2 compiles a template on first use and keeps it (per process, as the environment is).
    return environment().get_template(template).render(**context)


def compile_all() -> None:
    """Compile every template now (before workers fork, so they share the compiled code)."""
    env = environment()
    for name in env.list_templates(filter_func=lambda name: name.endswith(".j2")):
        env.get_template(name)
