"""CSV exports of the capacity tables. Each takes rows a selector already filtered for
the viewer (TLP applied there), so an export never shows more than the page."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from capacity.selectors import CountryPicture, HeatMap


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def heat_map_rows(hm: HeatMap):
    for country, assessment, levels in hm.rows:
        yield [country.code, country.name, assessment.pk if assessment else "", *levels]


def history_rows(p: CountryPicture):
    for indicator in p.indicators:
        yield [indicator.code, indicator.title, *(p.history[indicator.pk].get(y) for y in p.years)]
