"""The words of a notification, written in the reader's language when it is read.

A notification stores its event kind and the parameters of its text (``params``), not
a sentence: the inbox, the toast, the e-mail and the digest each render it under the
recipient's language (``translation.override``) and time zone. A row written before
this (``params`` empty) shows the English text it stored.
"""

from __future__ import annotations

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ACK_TEXT = gettext_lazy("Please read it and confirm you have understood it.")
MAX_TITLE, MAX_TEXT = 300, 500


def _date(value) -> str:
    """An ISO date from a payload in the active locale's date style."""
    day = parse_date(str(value or "")) if value else None
    return date_format(day, "DATE_FORMAT") if day else str(value or "")


def _published(p: dict) -> str:
    values = {"agency": p.get("agency", ""), "number": p.get("number", "")}
    if p.get("scheduled"):
        return _(
            "%(agency)s approved version %(number)s; it takes effect on %(date)s and the "
            "version in force stays until then."
        ) % {**values, "date": _date(p.get("effective_date"))}
    if not p.get("revision"):
        return _("%(agency)s published a new procedure (version %(number)s).") % values
    kind = p.get("change_kind")
    if kind == "major":
        text = _("%(agency)s published version %(number)s (major change).")
    elif kind == "minor":
        text = _("%(agency)s published version %(number)s (minor change).")
    else:
        text = _("%(agency)s published version %(number)s (editorial change).")
    return text % values


def _sop_text(kind: str, p: dict) -> str:
    if kind == "sop.published":
        text = _published(p)
        if p.get("summary") and not p.get("scheduled"):
            text = f"{text} {p['summary']}"
        return text
    if kind == "sop.took_effect":
        return _("Version %(number)s is in force from today (%(date)s).") % {
            "number": p.get("number", ""),
            "date": _date(p.get("effective_date")),
        }
    if kind == "sop.acknowledgement_reminder":
        if p.get("stage") == "due":
            text = _("Today is the last day to acknowledge version %(number)s.")
        else:
            text = _("Please acknowledge version %(number)s by %(date)s.")
        return text % {"number": p.get("number", ""), "date": _date(p.get("acknowledge_by"))}
    if kind == "sop.withdrawn":
        return _("%(agency)s withdrew this procedure: %(reason)s") % {
            "agency": p.get("agency", ""),
            "reason": p.get("reason", ""),
        }
    days = int(p.get("days_left") or 0)
    if days > 0:
        return ngettext(
            "This procedure is due for review on %(date)s (in %(days)d day).",
            "This procedure is due for review on %(date)s (in %(days)d days).",
            days,
        ) % {"date": _date(p.get("review_due")), "days": days}
    return _("This procedure is due for review (since %(date)s).") % {
        "date": _date(p.get("review_due"))
    }


def render_text(kind: str, params: dict) -> str:
    """The notification's sentence in the active language."""
    if kind == "expert.joined":
        text = _(
            "Your request to join %(agency)s was approved. You now see the expert "
            "directory and the procedures shared with the network."
        ) % {"agency": params.get("agency", "")}
    else:
        text = _sop_text(kind, params)
    if params.get("ack"):
        text = f"{text} {ACK_TEXT}"
    return text[:MAX_TEXT]


def render_title(kind: str, params: dict, stored: str) -> str:
    """The title: the procedure's own words (stored), or a sentence for a notice."""
    if kind == "expert.joined":
        return (_("Welcome to %(agency)s on Frontline") % {"agency": params.get("agency", "")})[
            :MAX_TITLE
        ]
    return stored
