"""The jinja2 environment for compiler/templates/: strict, no autoescape surprises, our escapers."""

from __future__ import annotations

from functools import cache

from compiler.emit import escape
from compiler.emit.header import NOTICE
from compiler.resources import data_dir


@cache
def environment():  # -> jinja2.Environment; jinja2 is imported only when generating
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # each value is escaped for its language by an explicit filter
        keep_trailing_newline=True,
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
    return environment().get_template(template).render(**context)
