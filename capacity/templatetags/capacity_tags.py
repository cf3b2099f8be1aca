"""The TLP label as FIRST prescribes it: "TLP:AMBER" in its colour on black, always the same."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from capacity.models import TLP, TLP_MEANING
from capacity.permissions import can_start_assessment

register = template.Library()


@register.simple_tag
def tlp_label(value: str):
    try:
        tlp = TLP(value)
    except ValueError:
        return ""
    return format_html(
        '<span class="tlp tlp-{}" data-testid="tlp" title="{}">{}</span>',
        tlp.value,
        TLP_MEANING[tlp],
        tlp.label,
    )


@register.filter
def signed(value):
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def level_badge(level):
    """The level as a coloured badge; a filter, not an include: the heat map's table has
    600 cells and an include per cell cost more than the rest of the page."""
    if level:
        return format_html('<span class="level level-{}">{}</span>', level, level)
    return format_html(
        '<span class="level level-none" title="{}">–</span>', gettext("Not assessed")
    )


@register.filter
def may_start_assessment(user) -> bool:
    """The start page's own rule: the link shows only to those the page will not refuse."""
    return can_start_assessment(user)
