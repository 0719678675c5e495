"""The Jinja2 environment that turns records into HTML, built once per process.

Why: escaping is enforced by the template engine, not by remembering to call `esc`. Every
template autoescapes, so text from a data file (a site name, a source title, a URL) reaches
a template as a plain ``str`` and comes out escaped; only values marked safe with
`markupsafe.Markup` pass as they are, and the only such values are the atlas's own: the
grade shapes (`grade_shape`; `symbol_svg` for the map markers; no data text in them), the
inlined CSS (`style_element`, read from static/atlas/ and checked by
`layers.render.frontend`) and fragments rendered by other templates.

A name a template uses but was not given is an error (`StrictUndefined`), not an empty
string, so a renamed field fails loudly in the tests. ``None`` prints as nothing, as `esc`
did. The templates live in ``layers/render/templates/``; `layers.export.bundle` adds its
own folder in front of that one (`environment(folder)`), so its page can use these macros.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from layers.data.schema import UrlKind
from layers.render import frontend
from layers.render.style import (
    GRADE_STYLES,
    LINK_COLOURS,
    LINK_LABELS,
    NO_LINK_STYLE,
    GradeStyle,
    both_grades_words,
    plural,
)
from layers.render.style import symbol_img as _symbol_img
from layers.render.style import symbol_svg as _symbol_svg
from layers.render.words import (
    day_label,
    number_words,
    readable_url,
    source_date_words,
    url_kind_words,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"


def style_element(name: str) -> Markup:
    """``static/atlas/<name>`` as a <style> element, safe as it is (checked on reading)."""
    return Markup(frontend.style_element(name))


def symbol_svg(style: GradeStyle, size: int = 22) -> Markup:
    """The grade's shape as inline SVG: built from the atlas's own styles, no data text."""
    return Markup(_symbol_svg(style, size))


def grade_shape(style: GradeStyle, size: int = 22) -> Markup:
    """The grade's shape as an <img> (`symbol_img`): what page fragments use, since the
    page shows them with `st.html`, which strips inline SVG."""
    return Markup(_symbol_img(style, size))


def _nothing_for_none(value: object) -> object:
    return "" if value is None else value


GLOBALS: dict[str, Any] = {
    "GRADE_STYLES": GRADE_STYLES,
    "LINK_COLOURS": LINK_COLOURS,
    "LINK_LABELS": LINK_LABELS,
    "NO_LINK_STYLE": NO_LINK_STYLE,
    "UrlKind": UrlKind,
    "both_grades_words": both_grades_words,
    "day_label": day_label,
    "grade_shape": grade_shape,
    "number_words": number_words,
    "plural": plural,
    "readable_url": readable_url,
    "source_date_words": source_date_words,
    "style_element": style_element,
    "symbol_svg": symbol_svg,
    "url_kind_words": url_kind_words,
}


@functools.cache
def environment(*folders: Path) -> jinja2.Environment:
    """The environment reading `folders` (first) and then ``layers/render/templates/``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, TEMPLATE_DIR]),
        # .html and .j2 by name, and every other template (or string) too: nothing unescaped.
        autoescape=jinja2.select_autoescape(("html", "j2"), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        finalize=_nothing_for_none,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(GLOBALS)
    return env


def render(name: str, /, **context: Any) -> Markup:
    """The template ``layers/render/templates/<name>`` rendered with `context`."""
    return render_from(environment(), name, **context)


def render_from(env: jinja2.Environment, name: str, /, **context: Any) -> Markup:
    """A template of `env` rendered with `context`: escaped HTML, so marked safe."""
    return Markup(env.get_template(name).render(**context))


def macros(name: str) -> Any:
    """The macros of a template, to call from Python; each returns `Markup`."""
    return environment().get_template(name).module
