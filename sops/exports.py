"""CSV exports of the agency dashboard: what an auditor asks for, in a spreadsheet."""

from __future__ import annotations

import csv

from django.utils.translation import gettext as _

from sops.compliance import AcknowledgementRow

# A cell starting with one of these is a formula to a spreadsheet: quote it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_acknowledgements_csv(out, rows: list[AcknowledgementRow]) -> None:
    """One line per procedure asking acknowledgement and member: acknowledged, pending or overdue."""
    writer = csv.writer(out)
    writer.writerow(
        [
            _("reference"),
            _("title"),
            _("major revision"),
            _("in force"),
            _("acknowledge by"),
            _("member"),
            _("status"),
            _("acknowledged version"),
        ]
    )
    for row in rows:
        if row.major is None:
            continue
        common = [
            row.sop.reference,
            row.sop.title,
            row.major.number,
            row.in_force.number,
            row.major.acknowledge_by.isoformat() if row.major.acknowledge_by else "",
        ]
        for membership, number in row.acknowledged:
            writer.writerow(
                [
                    _cell(v)
                    for v in [*common, membership.expert.full_name, _("acknowledged"), number]
                ]
            )
        status = _("overdue") if row.overdue else _("pending")
        for membership in row.pending:
            writer.writerow([_cell(v) for v in [*common, membership.expert.full_name, status, ""]])
