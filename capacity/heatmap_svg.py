"""The heat map as server-side SVG: one rect per country × indicator, coloured by level,
with the level written in the cell and a <title> for each. No JavaScript, no library.

The page puts an HTML table with the same values beside it for screen readers; the SVG
itself is labelled and its cells carry their level as text, so it reads without colour.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from capacity.models import Level
from capacity.selectors import HeatMap

# ColorBrewer RdYlGn (colour-blind safe, prints in grey): 1 red ... 5 green; no score grey.
COLOURS = {1: "#d7191c", 2: "#fdae61", 3: "#ffffbf", 4: "#a6d96a", 5: "#1a9641", None: "#e9ecef"}
TEXT_COLOURS = {1: "#ffffff", 5: "#ffffff"}
CELL, GAP, LABEL_W, HEAD_H = 34, 2, 150, 28


def level_label(level: int | None) -> str:
    return str(Level(level).label) if level else _("Not assessed")


def heat_map_svg(hm: HeatMap) -> SafeString:
    """The SVG. Labels and escaped names are computed once, not per cell (600 cells)."""
    cols, rows = len(hm.indicators), len(hm.rows)
    width = LABEL_W + cols * (CELL + GAP)
    height = HEAD_H + rows * (CELL + GAP) + 4
    title = _("Capacity levels by country and indicator, %(year)s") % {"year": hm.year or "—"}
    labels = {v: escape(level_label(v)) for v in (None, *Level.values)}
    codes = [escape(i.code) for i in hm.indicators]
    titles = [escape(i.title) for i in hm.indicators]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heat-map" role="img" '
        f'aria-labelledby="heat-map-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" data-year="{hm.year or ""}">',
        f'<title id="heat-map-title">{escape(title)}</title>',
    ]
    for j in range(cols):
        x = LABEL_W + j * (CELL + GAP) + CELL // 2
        out.append(
            f'<text x="{x}" y="{HEAD_H - 8}" text-anchor="middle" font-size="12" '
            f'font-weight="bold" data-indicator="{codes[j]}">'
            f"<title>{titles[j]}</title>{j + 1}</text>"
        )
    for i, (country, _assessment, levels) in enumerate(hm.rows):
        y = HEAD_H + i * (CELL + GAP)
        name, code = escape(country.name), escape(country.code)
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + CELL // 2 + 4}" text-anchor="end" '
            f'font-size="12" data-country="{code}">{name}</text>'
        )
        for j, level in enumerate(levels):
            x = LABEL_W + j * (CELL + GAP)
            out.append(
                f'<g class="cell" data-country="{code}" data-indicator="{codes[j]}" '
                f'data-level="{level or ""}"><title>{name} · {titles[j]}: {labels[level]}</title>'
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="3" '
                f'fill="{COLOURS[level]}" stroke="#ffffff"/>'
            )
            if level:
                out.append(
                    f'<text x="{x + CELL // 2}" y="{y + CELL // 2 + 5}" text-anchor="middle" '
                    f'font-size="14" fill="{TEXT_COLOURS.get(level, "#000000")}">{level}</text>'
                )
            out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # every interpolated text above is escaped


def heat_map_table_body(hm: HeatMap, country_url) -> SafeString:
    """The accessible table's rows, built here for the same reason as the SVG."""
    none = format_html('<span class="level level-none" title="{}">–</span>', _("Not assessed"))
    badges = {None: none, **{v: f'<span class="level level-{v}">{v}</span>' for v in Level.values}}
    out = []
    for country, _assessment, levels in hm.rows:
        cells = "".join(f"<td>{badges[level]}</td>" for level in levels)
        out.append(
            f'<tr data-country="{escape(country.code)}"><th scope="row">'
            f'<a href="{escape(country_url(country.code))}">{escape(country.name)}</a></th>'
            f"{cells}</tr>"
        )
    return mark_safe("".join(out))  # escaped above
