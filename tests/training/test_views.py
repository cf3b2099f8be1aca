"""Pages: each renders for who may see it, refuses who may not, and writes only through services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from training import services
from training.models import Activity, Registration

pytestmark = pytest.mark.django_db


def test_organiser_creates_and_publishes_through_the_form(client_for, publisher, home_agency):
    client = client_for(publisher)
    start = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("training:create"),
        {
            "organiser": home_agency.pk,
            "title": "Table-top on suspicious parcels",
            "kind": "tabletop",
            "scope": "national",
            "starts": start,
            "ends": start,
            "place": "Belgrade",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    client.post(reverse("training:publish", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == "published"
    page = client.get(activity.get_absolute_url())
    assert b"Table-top on suspicious parcels" in page.content


def test_bad_form_input_gets_a_message_and_changes_nothing(client_for, publisher, home_agency):
    response = client_for(publisher).post(
        reverse("training:create"),
        {
            "organiser": home_agency.pk,
            "title": "X",
            "kind": "tabletop",
            "scope": "national",
            "starts": "2027-01-02",
            "ends": "2027-01-01",
        },
    )
    assert response.status_code == 200 and b"end before it starts" in response.content
    assert not Activity.objects.exists()


def test_member_cannot_open_the_create_page(client_for, member):
    assert client_for(member).get(reverse("training:create")).status_code == 403


def test_expert_registers_and_organiser_confirms_with_htmx(
    client_for, make_activity, participant, publisher, client
):
    activity = make_activity()
    client.force_login(participant)
    client.post(reverse("training:register", args=[activity.pk]))
    registration = Registration.objects.get()
    client.force_login(publisher)
    row = client.post(
        reverse("training:mark", args=[registration.pk]),
        {"status": "confirmed"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and b"Confirmed" in row.content
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_list_filters_and_month_view(client_for, make_activity, member):
    a = make_activity(title="Field exercise at the crossing", kind="field", scope="cross_border")
    make_activity(title="Awareness day", kind="awareness")
    client = client_for(member)
    page = client.get(reverse("training:list"), {"kind": "field"})
    assert (
        b"Field exercise at the crossing" in page.content and b"Awareness day" not in page.content
    )
    month = client.get(reverse("training:month"), {"month": f"{a.starts:%Y-%m}"})
    assert b"Field exercise at the crossing" in month.content
    assert client.get(reverse("training:month"), {"month": "nonsense"}).status_code == 200


def test_certificate_page_verifies_by_code_for_anyone(
    make_activity, participant, publisher, client
):
    activity = make_activity()
    r = services.registration_register(by=participant, activity=activity)
    services.registration_mark(by=publisher, registration=r, status="confirmed")
    services.registration_mark(by=publisher, registration=r, status="completed")
    url = r.certificate.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and participant.expert.full_name.encode() in page.content
    assert client.get(reverse("training:certificate", args=["not-a-code"])).status_code == 404


def test_pages_render_for_a_member(client_for, make_activity, member):
    make_activity()
    client = client_for(member)
    for name in (
        "training:list",
        "training:month",
        "training:cascade",
        "training:dashboard",
        "training:stale",
        "training:calendar",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_pages_speak_russian(client_for, make_activity, member):
    make_activity(kind="field")
    client = client_for(member)
    page = client.get(reverse("training:list"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Обучение и учения" in page.content.decode()
    assert "Полевое учение" in page.content.decode()


def test_sop_page_links_its_change_requests(client_for, make_sop, member):
    sop = make_sop().sop
    page = client_for(member).get(sop.get_absolute_url())
    assert reverse("training:change_requests", args=[sop.pk]).encode() in page.content


def test_only_agency_admins_and_staff_nominate(
    client_for, make_activity, member, participant_admin, staff
):
    from training.permissions import can_nominate

    activity = make_activity()
    url = reverse("training:nominate", args=[activity.pk])
    assert (can_nominate(member), can_nominate(participant_admin), can_nominate(staff)) == (
        False,
        True,
        True,
    )
    assert client_for(member).get(url).status_code == 403
    assert url.encode() not in client_for(member).get(activity.get_absolute_url()).content
    admin = client_for(participant_admin)
    assert admin.get(url).status_code == 200
    assert url.encode() in admin.get(activity.get_absolute_url()).content


def test_organiser_assigns_a_corrective_action_on_the_report_page(
    client_for, make_activity, publisher, participant_agency, participant, member
):
    activity = make_activity(agencies=[participant_agency])
    report = services.report_save(by=publisher, activity=activity, summary="s", final=True)
    weak = services.observation_add(
        by=publisher, report=report, capability="Sampling", kind="improvement", text="No kits"
    )
    action = services.action_add(
        by=publisher,
        observation=weak,
        title="Stock kits",
        owner=participant_agency,
        due=timezone.localdate(),
    )
    client = client_for(publisher)
    page = client.get(reverse("training:report", args=[activity.pk])).content.decode()
    assert reverse("training:action_assign", args=[action.pk]) in page
    assert participant.expert.full_name in page and member.expert.full_name not in page
    url = reverse("training:action_assign", args=[action.pk])
    client.post(url, {"assignee": member.expert.pk})  # not of the owning agency: refused
    action.refresh_from_db()
    assert action.assignee is None
    assert client.post(url, {"assignee": participant.expert.pk}).status_code == 302
    action.refresh_from_db()
    assert action.assignee == participant.expert
