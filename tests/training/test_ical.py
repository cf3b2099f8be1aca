"""The calendar feeds, read back by the icalendar parser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from training import services

pytestmark = pytest.mark.django_db


def _events(body: bytes) -> dict:
    cal = Calendar.from_ical(body)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_personal_feed_holds_what_the_user_registered_for(make_activity, participant, client):
    mine = make_activity(title="Field exercise at Leușeni crossing", kind="field")
    make_activity(title="Someone else's workshop", kind="workshop")
    services.registration_register(by=participant, activity=mine)
    feed = services.calendar_feed_for(user=participant)
    response = client.get(reverse("training:feed_user", args=[feed.token]))  # no session
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert list(events) == ["Field exercise at Leușeni crossing"]
    event = events["Field exercise at Leușeni crossing"]
    assert event.decoded("dtstart") == mine.starts
    assert (event.decoded("dtend") - mine.ends).days == 1  # exclusive end date


def test_renewed_token_retires_the_old_feed(participant, client):
    old = services.calendar_feed_for(user=participant).token
    services.calendar_feed_renew(user=participant)
    assert client.get(reverse("training:feed_user", args=[old])).status_code == 404


def test_agency_feed_shows_published_and_cancelled_not_drafts(
    make_activity, publisher, home_agency, client_for, member
):
    make_activity(title="Published one")
    make_activity(title="Draft one", publish=False)
    gone = make_activity(title="Cancelled one")
    services.activity_cancel(by=publisher, activity=gone, reason="Weather")
    response = client_for(member).get(reverse("training:feed_agency", args=[home_agency.code]))
    events = _events(response.content)
    assert set(events) == {"Published one", "Cancelled one"}
    assert str(events["Cancelled one"]["status"]) == "CANCELLED"
