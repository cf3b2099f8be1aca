"""The cascade tree's rows in one pass: a part holds up to a hundred nodes, and a template
loop resolving each node's fields cost more than the queries behind them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def cascade_nodes(nodes) -> str:
    reached = _("People reached")

    def row(n):
        label = format_html('<a href="{}">{}</a>', n.url, n.label) if n.url else n.label
        extra = (
            format_html(" <small>· {}: {}</small>", reached, n.reached)
            if n.kind == "activity"
            else ""
        )
        return (n.kind, n.depth, label, extra)

    return format_html_join(
        "\n", '  <li class="node {} depth-{}">{}{}</li>', (row(n) for n in nodes)
    )
