"""A version approved with a later effective date: the current one stays in force until then."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Event
from notifications.models import Notification
from sops import compliance, services
from sops.models import SOPVersion
from tests.sops.test_views import text

Status = SOPVersion.Status


def _revise(v1, *, editor, publisher, effective, kind="major"):
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind=kind)
    draft = services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        body=draft.body + "\nWear gloves.\n",
        effective_date=effective,
    )
    return services.version_publish(version=draft, by=publisher, change_summary="Gloves.")


@pytest.fixture
def scheduled(make_sop, editor, publisher, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = make_sop()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        v2 = _revise(
            v1, editor=editor, publisher=publisher, effective=today + datetime.timedelta(days=7)
        )
    v1.refresh_from_db()
    return v1, v2


def test_a_later_effective_date_approves_without_replacing_the_version_in_force(
    scheduled, client_for, member
):
    v1, v2 = scheduled
    assert (v1.status, v2.status, v2.number) == (Status.PUBLISHED, Status.SCHEDULED, "2.0")
    assert v2.sop.current_version == v1
    assert compliance.in_force(v1.sop) == v1
    assert compliance.upcoming(v1.sop) == v2
    page = text(client_for(member).get(v1.sop.get_absolute_url()))
    date = date_format(v2.effective_date)
    assert f"In force now: 1.0; from {date}: 2.0." in page
    version_page = text(client_for(member).get(v2.get_absolute_url()))
    assert f"Approved, in force from {date}." in version_page
    assert "Until then version 1.0 stays in force." in version_page
    event = Event.objects.get(kind="sop.published", payload__version_id=v2.pk)
    assert event.payload["scheduled"] is True
    told = Notification.objects.get(recipient=member, event=event)
    assert "takes effect on" in told.text and "Please read" not in told.text


def test_in_force_is_decided_by_the_dates_even_before_the_job_runs(scheduled, client_for, member):
    v1, v2 = scheduled
    later = v2.effective_date
    assert compliance.in_force(v1.sop, later) == v2
    assert compliance.in_force(v1.sop, later - datetime.timedelta(days=1)) == v1
    SOPVersion.objects.filter(pk=v2.pk).update(effective_date=timezone.localdate())
    # Beat has not run: the stored status still says scheduled, the page says in force.
    assert SOPVersion.objects.get(pk=v2.pk).status == Status.SCHEDULED
    response = client_for(member).get(v1.sop.get_absolute_url())
    assert response.context["current"].pk == v2.pk
    assert "In force now" not in text(response)


def test_take_effect_runs_once_and_tells_followers_on_the_day(
    scheduled, member, django_capture_on_commit_callbacks
):
    v1, v2 = scheduled
    assert services.versions_take_effect(today=v2.effective_date - datetime.timedelta(days=1)) == 0
    # Beat was down for three days: the next run still brings it into force, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.versions_take_effect(today=v2.effective_date + datetime.timedelta(3)) == 1
    assert services.versions_take_effect(today=v2.effective_date + datetime.timedelta(3)) == 0
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status, v2.sop.current_version) == (
        Status.SUPERSEDED,
        Status.PUBLISHED,
        v2,
    )
    event = Event.objects.get(kind="sop.took_effect")
    assert event.payload["version_id"] == v2.pk and event.payload["previous_version_id"] == v1.pk
    told = Notification.objects.get(recipient=member, event=event)
    assert "in force from today" in told.text and "Please read it" in told.text


def test_a_second_scheduled_version_waits_for_the_first(scheduled, editor, publisher):
    v1, v2 = scheduled
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    assert draft.based_on == v2
    with pytest.raises(Exception, match="already approved to take effect"):
        services.version_publish(version=draft, by=publisher, change_summary="More.")


def test_withdrawing_the_scheduled_version_keeps_the_one_in_force(scheduled, publisher):
    v1, v2 = scheduled
    services.version_withdraw(version=v2, by=publisher, reason="Law changed again.")
    v1.refresh_from_db()
    assert v1.status == Status.PUBLISHED and v1.sop.current_version == v1
    assert compliance.upcoming(v1.sop) is None


def test_only_the_version_in_force_can_be_acknowledged(scheduled, member):
    v1, v2 = scheduled
    with pytest.raises(Exception, match="Only the version in force"):
        services.version_acknowledge(version=v2, by=member)
    assert services.version_acknowledge(version=v1, by=member)


def test_api_shows_the_scheduled_version_to_readers(scheduled, client_for, member):
    v1, v2 = scheduled
    response = client_for(member).get(reverse("api:version-detail", args=[v2.pk]))
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
