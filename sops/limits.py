"""Caps on what one procedure body may cost to render.

Python-Markdown's cost grows with the square of nesting: 64,000 nested ``<div>`` took
about 20 s of CPU per render, 4,000 unclosed ``[`` or ``(`` in one paragraph 2.5-10 s.
Bodies over these caps are refused before they are saved or previewed, so every render
(and the preview on each keystroke) stays bounded: `bench/render_limits.py` prints the
worst case under the caps beside the largest real document of the corpus.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused
from frontline.text import single_line_problem

# The corpus's longest procedure-like text has 204,000 characters (only one encyclopaedia
# article of its 2,814 texts is longer); half as much again leaves room.
MAX_BODY_CHARS = 300_000
# Real procedures nest HTML a handful of levels and brackets two or three.
MAX_NESTING = 32
# Raw HTML blocks cost more than Markdown (23,000 one-line <div>s: about 5 s); the corpus's
# most HTML-heavy document has 105 tags.
MAX_HTML_TAGS = 2_000
SINGLE_LINE_FIELDS = frozenset({"title", "reference"})

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")
_BRACKET = re.compile(r"[\[\]()]|\n[ \t]*\n")
_QUOTES = re.compile(r"^(?:[ \t]*>)+", re.M)
VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


def _html_depth(body: str) -> int:
    depth = deepest = 0
    for count, match in enumerate(_TAG.finditer(body), 1):
        if count > MAX_HTML_TAGS:
            return -1
        closing, name, self_closing = match.groups()
        if name.lower() in VOID_TAGS or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _bracket_depth(body: str) -> int:
    """Unclosed ``[`` and ``(`` within one paragraph (Markdown scans links per paragraph)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(body):
        mark = match.group()
        if mark in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "])":
            depth = max(depth - 1, 0)
        else:
            depth = 0
    return deepest


def _grouped(n: int) -> str:
    """A big number with the reader's digit grouping: 300,000 in English, 300 000 in Russian."""
    return number_format(n, force_grouping=True)


def body_problem(body: str) -> str:
    """Why ``body`` may not be saved or previewed, naming the limit; empty when it may."""
    body = body or ""
    if len(body) > MAX_BODY_CHARS:
        return _(
            "The text is %(size)s characters long; the limit is %(limit)s. "
            "Split the procedure or move long annexes into attachments."
        ) % {"size": _grouped(len(body)), "limit": _grouped(MAX_BODY_CHARS)}
    html_depth = _html_depth(body)
    if html_depth < 0:
        return _(
            "The text has more than %(limit)s HTML tags; write it in Markdown "
            "(the limit is %(limit)s)."
        ) % {"limit": _grouped(MAX_HTML_TAGS)}
    if html_depth > MAX_NESTING:
        return _(
            "The text nests HTML elements more than %(limit)d levels deep; "
            "simplify the HTML (the limit is %(limit)d)."
        ) % {"limit": MAX_NESTING}
    if max((m.group().count(">") for m in _QUOTES.finditer(body)), default=0) > MAX_NESTING:
        return _(
            "The text nests quotations more than %(limit)d levels deep (the limit is %(limit)d)."
        ) % {"limit": MAX_NESTING}
    if _bracket_depth(body) > MAX_NESTING:
        return _(
            "A paragraph of the text opens more than %(limit)d brackets without closing them; "
            "close them or split the paragraph (the limit is %(limit)d)."
        ) % {"limit": MAX_NESTING}
    return ""


def validate_body(body: str) -> None:
    """Django/DRF field validator: the same caps for the forms, the API and the model."""
    problem = body_problem(body)
    if problem:
        raise ValidationError(problem, code="body_limit")


def refuse_bad_version_text(**fields) -> None:
    """For the services (the importer and scripts come here without a form): the same
    caps as the forms and the API, raised as ``ActionRefused``."""
    for name in SINGLE_LINE_FIELDS & fields.keys():
        problem = single_line_problem(fields[name])
        if problem:
            raise ActionRefused(f"{name}: {problem}")
    if "body" in fields:
        problem = body_problem(fields["body"])
        if problem:
            raise ActionRefused(problem)
