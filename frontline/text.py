"""One-line text: titles, reference codes and mail subjects hold no control characters.

A newline in a version title once reached the subject of every mail about its
publication, and the mail library refused each of them (header injection guard), six
times over with the retries. Input is refused with a clear message; text already stored
is flattened wherever it becomes a header.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Line breaks, tabs and the other C0/C1 controls, and the Unicode line separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line_problem(value: str | None) -> str:
    """Why ``value`` is no one-line text (empty when it is)."""
    if value and CONTROL.search(value):
        return _("Use one line without line breaks, tabs or other control characters.")
    return ""


def validate_single_line(value: str | None) -> None:
    """Django/DRF field validator for one-line fields."""
    problem = single_line_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def one_line(value: str) -> str:
    """``value`` with every run of control characters turned into one space (for headers)."""
    return CONTROL.sub(" ", value or "").strip()


def lookup_param(request, name: str) -> str:
    """A query parameter that names a row (a country code, a region, a topic's slug), or
    "" when it holds a control character. No code or slug holds one, and PostgreSQL
    refuses a NUL in any statement: ``/capacity/?region=SEEE%00`` answered 500. Such a
    value is ignored like any other that names no row."""
    value = request.GET.get(name) or ""
    return "" if CONTROL.search(value) else value
