"""``{{ value|when }}``: a time in the reader's locale and time zone, the zone shown.

Every page that shows a time uses it, so times read the same way everywhere (the
locale's ``SHORT_DATETIME_FORMAT``) and never leave the reader guessing the zone.
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


def zone_label(value) -> str:
    """``CET``, ``UTC``, or ``UTC+05`` where the zone has no abbreviation."""
    name = value.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


@register.filter(expects_localtime=False)
def when(value, style: str = "SHORT_DATETIME_FORMAT"):
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}">{} {}</time>',
        value.isoformat(),
        date_format(local, style),
        zone_label(local),
    )
