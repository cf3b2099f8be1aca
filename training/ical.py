"""iCalendar feeds (RFC 5545) of activities, written with the ``icalendar`` package."""

from __future__ import annotations

import datetime

from django.conf import settings
from icalendar import Calendar, Event

from training.models import Activity


def calendar_bytes(activities, *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Frontline//Trainings and exercises//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", str(name))
    base = getattr(settings, "FRONTLINE_BASE_URL", "").rstrip("/")
    for a in activities.order_by("starts", "id")[:2000]:
        event = Event()
        event.add("uid", f"activity-{a.pk}@frontline")
        event.add("summary", a.title)
        event.add("dtstart", a.starts)
        event.add("dtend", a.ends + datetime.timedelta(days=1))  # DTEND of a date is exclusive
        event.add("dtstamp", a.updated)
        event.add("location", "Online" if a.online and not a.place else a.place)
        event.add("url", base + a.get_absolute_url())
        event.add(
            "description", f"{a.get_kind_display()} · {a.organiser.name}\n\n{a.description}".strip()
        )
        event.add("status", "CANCELLED" if a.status == Activity.Status.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
