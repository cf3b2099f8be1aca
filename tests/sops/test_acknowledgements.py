"""Acknowledgement that sticks: the latest major revision is owed until acknowledged (or a
later version is), with a due date, reminders once per stage and an overdue event."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event
from notifications.models import Notification
from sops import compliance, services
from sops.models import AcknowledgementReminder
from tests import factories


def _revise(sop, *, editor, publisher, kind, **publish):
    draft = services.version_start_revision(sop=sop, by=editor, change_kind=kind)
    draft = services.version_update(
        version=draft, by=editor, expected_edit_count=None, body=draft.body + f"\n{kind}.\n"
    )
    return services.version_publish(version=draft, by=publisher, change_summary=kind, **publish)


def test_minor_and_editorial_versions_do_not_cancel_the_major_one_owed(
    make_sop, editor, publisher, member
):
    v1 = make_sop()
    owed = compliance.acknowledgement_owed(user=member, sop=v1.sop)
    assert owed.major == v1 and owed.due == v1.effective_date + datetime.timedelta(days=14)
    v11 = _revise(v1.sop, editor=editor, publisher=publisher, kind="minor")
    v12 = _revise(v1.sop, editor=editor, publisher=publisher, kind="editorial")
    owed = compliance.acknowledgement_owed(user=member, sop=v1.sop)
    assert (owed.major, owed.in_force) == (v1, v12)
    services.version_acknowledge(version=v12, by=member)
    assert compliance.acknowledgement_owed(user=member, sop=v1.sop) is None
    assert v11.number == "1.1"
    v2 = _revise(v1.sop, editor=editor, publisher=publisher, kind="major", acknowledge_days=30)
    owed = compliance.acknowledgement_owed(user=member, sop=v1.sop)
    assert owed.major == v2 and owed.due == v2.effective_date + datetime.timedelta(days=30)
    assert [o.major for o in compliance.acknowledgements_owed(user=member)] == [v2]


def test_the_list_of_what_one_owes_agrees_with_each_procedure(make_sop, editor, publisher, member):
    """The home page's list looks only at procedures with a major revision not yet covered;
    whatever was acknowledged (the major itself, a later minor, an earlier version), it
    names exactly the procedures whose own reckoning says something is owed."""
    up_to_date = make_sop("ACK-1")
    services.version_acknowledge(version=up_to_date, by=member)
    later_minor = make_sop("ACK-2")
    services.version_acknowledge(
        version=_revise(later_minor.sop, editor=editor, publisher=publisher, kind="minor"),
        by=member,
    )
    outdated = make_sop("ACK-3")
    services.version_acknowledge(version=outdated, by=member)
    _revise(outdated.sop, editor=editor, publisher=publisher, kind="major")
    _revise(outdated.sop, editor=editor, publisher=publisher, kind="minor")
    never = make_sop("ACK-4")
    sops = [v.sop for v in (up_to_date, later_minor, outdated, never)]
    each = {s.reference for s in sops if compliance.acknowledgement_owed(user=member, sop=s)}
    listed = [o.sop.reference for o in compliance.acknowledgements_owed(user=member)]
    assert sorted(listed) == sorted(each) == ["ACK-3", "ACK-4"]
    assert [o.major.number for o in compliance.acknowledgements_owed(user=member)] == ["2.0", "1.0"]


def test_outsiders_owe_nothing_and_bad_days_are_refused(make_sop, outsider, editor, publisher):
    v1 = make_sop()
    assert compliance.acknowledgement_owed(user=outsider, sop=v1.sop) is None
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="major")
    with pytest.raises(Exception, match="between 1 and 365"):
        services.version_publish(
            version=draft, by=publisher, change_summary="x", acknowledge_days=0
        )
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.major is None


def test_reminders_at_half_time_and_due_date_once_each_then_overdue_event(
    make_sop, member, editor, publisher, agency_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = make_sop()
    services.version_acknowledge(version=v1, by=agency_admin)
    start = v1.effective_date
    run = services.acknowledgement_reminders_emit
    assert run(today=start + datetime.timedelta(days=6)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        half = run(today=start + datetime.timedelta(days=7))
    assert half == 3  # member, editor and publisher: the admin has acknowledged
    assert run(today=start + datetime.timedelta(days=8)) == 0  # once per stage
    reminded = Notification.objects.get(recipient=member, kind="sop.acknowledgement_reminder")
    assert "Please acknowledge version 1.0 by" in reminded.text
    assert reminded.link == v1.get_absolute_url()
    assert any(member.email in m.to for m in mail.outbox)
    assert not Notification.objects.filter(recipient=agency_admin, kind__contains="reminder")
    services.version_acknowledge(version=v1, by=publisher)
    services.version_acknowledge(version=v1, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(today=start + datetime.timedelta(days=14)) == 1
    assert "last day" in Notification.objects.filter(recipient=member).order_by("pk").last().text
    assert run(today=start + datetime.timedelta(days=14)) == 0
    assert not Event.objects.filter(kind="sop.acknowledgement_overdue").exists()
    run(today=start + datetime.timedelta(days=15))
    run(today=start + datetime.timedelta(days=16))
    overdue = Event.objects.get(kind="sop.acknowledgement_overdue")
    assert overdue.payload["pending_user_ids"] == [member.pk]
    assert AcknowledgementReminder.objects.filter(user=member).count() == 2


def test_dashboard_shows_overdue_and_exports_csv(
    client_for, make_sop, member, agency_admin, home_agency, outsider
):
    v1 = make_sop()
    services.version_acknowledge(version=v1, by=member)
    type(v1).objects.filter(pk=v1.pk).update(
        acknowledge_by=v1.effective_date - datetime.timedelta(days=1)
    )
    client = client_for(agency_admin)
    page = client.get(reverse("sops:agency_dashboard", args=[home_agency.code]))
    row = next(r for r in page.context["rows"] if r.sop == v1.sop)
    assert row.overdue and member not in [m.expert.user for m in row.pending]
    assert 'data-testid="overdue"' in page.content.decode()
    export = client.get(reverse("sops:acknowledgements_csv", args=[home_agency.code]))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    by_name = {line[5]: line[6] for line in lines[1:]}
    assert by_name[member.expert.full_name] == "acknowledged"
    assert by_name[agency_admin.expert.full_name] == "overdue"
    for who in (member, outsider):
        url = reverse("sops:acknowledgements_csv", args=[home_agency.code])
        assert client_for(who).get(url).status_code == 403


def test_a_formula_in_a_name_is_exported_as_text(client_for, make_sop, agency_admin, home_agency):
    make_sop()
    factories.expert(agency=home_agency, full_name="=HYPERLINK(1)")
    export = client_for(agency_admin).get(
        reverse("sops:acknowledgements_csv", args=[home_agency.code])
    )
    assert "'=HYPERLINK(1)" in export.content.decode()
