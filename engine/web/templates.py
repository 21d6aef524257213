"""Jinja2 templates of the HTML pages (templates/ in the checkout), autoescaped."""

from __future__ import annotations

from typing import Any

import jinja2

from engine.config import CHECKOUT_ROOT
from engine.web import urls

TEMPLATE_DIR = CHECKOUT_ROOT / "templates"


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["urls"] = urls
    return env


def render(env: jinja2.Environment, name: str, **context: Any) -> bytes:
    return env.get_template(name).render(**context).encode("utf-8")
