"""Review that is chased: marked when overdue or due within 30 days, reminders at 30 days,
on the day, then weekly, and "reviewed, no change" moving the date without a new version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from events.models import Event
from frontline.errors import ActionRefused, NotAllowed
from sops import services
from sops.models import SOPVersion
from tests.sops.test_views import text


def _due(version, day):
    SOPVersion.objects.filter(pk=version.pk).update(review_due=day)
    version.refresh_from_db()
    return version


def test_reminders_30_days_before_on_the_day_then_weekly(make_sop):
    today = timezone.localdate()
    v1 = _due(make_sop(), today + datetime.timedelta(days=40))
    due = v1.review_due

    def run(days_from_due):
        return services.review_reminders_emit(today=due + datetime.timedelta(days=days_from_due))

    assert run(-31) == 0
    assert run(-30) == 1
    assert run(-29) == 0 and run(-1) == 0
    assert run(0) == 1
    assert run(3) == 0
    assert run(7) == 1
    assert run(8) == 0
    assert run(14) == 1
    days = [e.payload["days_left"] for e in Event.objects.filter(kind="sop.review_due")]
    assert days == [30, 0, -7, -14]


def test_reviewed_no_change_moves_the_date_and_stops_reminders(make_sop, publisher, editor):
    today = timezone.localdate()
    v1 = _due(make_sop(), today - datetime.timedelta(days=3))
    assert services.review_reminders_emit(today=today) == 1
    with pytest.raises(NotAllowed):
        services.version_mark_reviewed(
            version=v1, by=editor, next_review=today + datetime.timedelta(days=365)
        )
    with pytest.raises(ActionRefused, match="future"):
        services.version_mark_reviewed(version=v1, by=publisher, next_review=today)
    services.version_mark_reviewed(
        version=v1, by=publisher, next_review=today + datetime.timedelta(days=365)
    )
    v1.refresh_from_db()
    assert v1.review_due == today + datetime.timedelta(days=365) and v1.reviewed_by == publisher
    assert v1.sop.versions.count() == 1 and v1.number == "1.0"
    assert services.review_reminders_emit(today=today) == 0
    assert Event.objects.filter(kind="sop.reviewed").count() == 1
    assert AuditEntry.objects.filter(action="sop.reviewed").count() == 1


def test_overdue_and_soon_are_marked_on_the_page_the_list_and_the_dashboard(
    client_for, make_sop, member, publisher, home_agency
):
    today = timezone.localdate()
    late = _due(make_sop("LATE-1"), today - datetime.timedelta(days=1))
    soon = _due(make_sop("SOON-1"), today + datetime.timedelta(days=10))
    make_sop("FINE-1", review_due=today + datetime.timedelta(days=300))
    client = client_for(member)
    assert 'data-testid="review-overdue"' in text(client.get(late.sop.get_absolute_url()))
    assert 'data-testid="review-soon"' in text(client.get(soon.sop.get_absolute_url()))
    listed = client.get(reverse("sops:list") + "?status=review_overdue")
    assert [s.reference for s in listed.context["page"]] == ["LATE-1"]
    board = text(
        client_for(publisher).get(reverse("sops:agency_dashboard", args=[home_agency.code]))
    )
    assert board.count('data-testid="review-overdue"') == 1
    assert board.count('data-testid="review-soon"') == 1


def test_reviewed_button_over_http(client_for, make_sop, publisher, member):
    today = timezone.localdate()
    v1 = _due(make_sop(), today - datetime.timedelta(days=1))
    url = reverse("sops:reviewed", args=[v1.sop_id, v1.pk])
    nxt = (today + datetime.timedelta(days=200)).isoformat()
    client_for(member).post(url, {"next_review": nxt})
    v1.refresh_from_db()
    assert v1.review_due < today
    client_for(publisher).post(url, {"next_review": nxt})
    v1.refresh_from_db()
    assert v1.review_due.isoformat() == nxt
