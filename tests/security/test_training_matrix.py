"""Every role against every training page and endpoint: a draft activity, a closed exercise's
after-action report and its corrective action, participants, feeds and certificates. Those
who may see a thing do; nobody else finds it, not even as a count, and nobody changes it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from notifications.models import Notification, Subscription
from sops.models import SOP
from tests.security.conftest import ROLES, VIEWERS
from training import services
from training.models import Activity, CorrectiveAction, Registration

DRAFT_WORD = "quokkadrill"
FINDING = "wombatgap"
PUBLISHED_WORD = "numbatcheck"
DRAFT_TITLE = f"Planned {DRAFT_WORD} exercise"
ORGANISERS = ("staff", "agency_admin", "publisher")


@dataclass
class Scene:
    draft: Activity
    exercise: Activity
    action: CorrectiveAction
    registration: Registration
    sop: SOP


@pytest.fixture
def scene(home_agency, publisher, member, outsider, make_sop, django_capture_on_commit_callbacks):
    Subscription.objects.create(user=outsider, kind="agency", agency=home_agency)
    sop = make_sop(visibility=SOP.Visibility.NETWORK).sop
    start = timezone.localdate() + datetime.timedelta(days=3)
    common = {"scope": "national", "starts": start, "ends": start, "place": "Belgrade"}
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.activity_create(
            by=publisher,
            organiser=home_agency,
            title=DRAFT_TITLE,
            kind="field",
            **common,
        )
        exercise = services.activity_create(
            by=publisher,
            organiser=home_agency,
            title=f"Closed {PUBLISHED_WORD} table-top",
            kind="tabletop",
            **common,
        )
        services.activity_publish(by=publisher, activity=exercise)
    registration = services.registration_register(by=member, activity=exercise)
    report = services.report_save(by=publisher, activity=exercise, summary="", final=True)
    weak = services.observation_add(
        by=publisher,
        report=report,
        capability="Sampling",
        kind="improvement",
        text=f"The {FINDING} at the lab",
    )
    action = services.action_add(
        by=publisher,
        observation=weak,
        title=f"Close the {FINDING}",
        owner=home_agency,
        due=timezone.localdate() - datetime.timedelta(days=2),
        sop=sop,
    )
    return Scene(draft, exercise, action, registration, sop)


def _denied(response) -> bool:
    return response.status_code in (302, 401, 403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_draft_activity(role, scene, page_client, api_client):
    pages, api = page_client(role), api_client(role)
    pk = scene.draft.pk
    may = role in ORGANISERS
    for url in (
        f"/training/{pk}/",
        f"/training/{pk}/participants/",
        f"/training/{pk}/edit/",
        f"/training/{pk}/report/",
    ):
        response = pages.get(url)
        if may:
            assert response.status_code == 200, (role, url)
        else:
            assert _denied(response), (role, url, response.status_code)
            assert DRAFT_WORD.encode() not in response.content
    detail = api.get(f"/api/v1/activities/{pk}/")
    assert detail.status_code == 200 if may else _denied(detail), (role, detail.status_code)
    month = f"{scene.draft.starts:%Y-%m}"
    for url in (
        "/training/",
        f"/training/?q={DRAFT_WORD}",
        f"/training/month/?month={month}",
        "/training/dashboard/",
        "/api/v1/activities/",
    ):
        client = api if url.startswith("/api/") else pages
        response = client.get(url)
        # The title, not the word: a search box echoes the word it was given.
        assert (DRAFT_TITLE.encode() in response.content) == may, (role, url)
    # Feeds (read by calendar programs) carry published activities only, for everyone.
    agency_feed = pages.get(f"/training/agency/{scene.draft.organiser.code}.ics")
    assert DRAFT_WORD.encode() not in agency_feed.content
    feed = services.calendar_feed_for(user=scene.registration.expert.user)
    assert DRAFT_WORD.encode() not in pages.get(f"/training/calendar/{feed.token}.ics").content


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_after_action_report(role, scene, page_client, api_client):
    """Participants (the home agency) and staff; not another agency, not even as a count."""
    pages, api = page_client(role), api_client(role)
    may = role in VIEWERS
    pk = scene.exercise.pk
    for client, url in (
        (pages, f"/training/{pk}/report/"),
        (api, f"/api/v1/activities/{pk}/report/"),
        (pages, f"/training/change-requests/{scene.sop.pk}/"),
        (pages, "/training/dashboard/"),
    ):
        response = client.get(url)
        if may:
            assert FINDING.encode() in response.content, (role, url)
        else:
            assert FINDING.encode() not in response.content, (role, url)
    if role == "outsider":
        dashboard = pages.get("/training/dashboard/").content.decode()
        assert "0 open, 0 overdue" in dashboard
        page = pages.get(f"/training/{pk}/").content.decode()
        assert "After-action report" not in page


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_see_participants_and_change_attendance(
    role, scene, page_client, api_client
):
    pages, api = page_client(role), api_client(role)
    may = role in ORGANISERS
    pk, reg = scene.exercise.pk, scene.registration
    name = reg.expert.full_name.encode()
    response = pages.get(f"/training/{pk}/participants/")
    assert (response.status_code == 200 and name in response.content) == may, role
    assert (api.get(f"/api/v1/activities/{pk}/registrations/").status_code == 200) == may, role
    if not may:
        assert _denied(
            pages.post(f"/training/registrations/{reg.pk}/mark/", {"status": "confirmed"})
        )
        assert _denied(
            api.post(
                f"/api/v1/registrations/{reg.pk}/mark/", {"status": "confirmed"}, format="json"
            )
        )
        assert _denied(pages.post(f"/training/{scene.draft.pk}/publish/"))
        assert _denied(api.post(f"/api/v1/activities/{scene.draft.pk}/publish/"))
        response = pages.post(
            f"/training/{pk}/report/", {"form": "report", "summary": "hacked", "final": "on"}
        )
        assert response.status_code in (302, 403, 404)
        reg.refresh_from_db()
        scene.draft.refresh_from_db()
        assert reg.status == "registered" and scene.draft.status == "draft"
        assert scene.exercise.report.summary == ""


@pytest.mark.parametrize("role", ROLES)
def test_corrective_action_writes_follow_the_report(role, scene, page_client, api_client):
    pages, api = page_client(role), api_client(role)
    pk = scene.action.pk
    if role in ("outsider", "unvetted", "anonymous"):
        assert _denied(pages.post(f"/training/actions/{pk}/", {"status": "done"}))
        assert _denied(
            api.post(f"/api/v1/corrective-actions/{pk}/", {"status": "done"}, format="json")
        )
        assert _denied(
            api.post(f"/api/v1/corrective-actions/{pk}/address/", {"version": 1}, format="json")
        )
        scene.action.refresh_from_db()
        assert scene.action.status == "open"


@pytest.mark.parametrize("role", ROLES)
def test_cascade_and_feeds_are_for_vetted_members(role, scene, page_client, api_client):
    pages, api = page_client(role), api_client(role)
    vetted = role not in ("unvetted", "anonymous")
    for client, url in (
        (pages, "/training/cascade/"),
        (api, "/api/v1/cascade/"),
        (pages, "/training/calendar/"),
        (pages, "/training/stale/"),
        (pages, "/training/month/"),
    ):
        response = client.get(url)
        assert (response.status_code == 200) == vetted, (role, url, response.status_code)
    more = pages.get("/training/cascade/?start=0", HTTP_HX_REQUEST="true")  # the tree's next part
    assert (more.status_code == 200) == vetted, (role, more.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_certificate_is_checked_by_its_code_only(role, scene, publisher, page_client):
    reg = scene.registration
    services.registration_mark(by=publisher, registration=reg, status="confirmed")
    services.registration_mark(by=publisher, registration=reg, status="completed")
    pages = page_client(role)
    assert pages.get(reg.certificate.get_absolute_url()).status_code == 200
    assert pages.get("/training/certificates/AAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
    assert pages.get(f"/training/calendar/{'x' * 22}.ics").status_code == 404


def test_nobody_is_told_of_a_draft(scene, outsider):
    titles = list(Notification.objects.filter(recipient=outsider).values_list("title", flat=True))
    assert titles and not any(DRAFT_WORD in t for t in titles)


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_published_activities_for_vetted_members_and_drafts_for_nobody(
    role, scene, page_client, api_client
):
    pages, api = page_client(role), api_client(role)
    vetted = role not in ("unvetted", "anonymous")
    for client, url in ((pages, "/search/?q="), (api, "/api/v1/search/?q=")):
        found = client.get(url + PUBLISHED_WORD)
        assert (f"/training/{scene.exercise.pk}/".encode() in found.content) == vetted, (role, url)
        draft = client.get(url + DRAFT_WORD)
        assert f"/training/{scene.draft.pk}/".encode() not in draft.content, (role, url)
        assert DRAFT_TITLE.encode() not in draft.content, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_assign_a_corrective_action(role, scene, member, page_client):
    url = f"/training/actions/{scene.action.pk}/assign/"
    response = page_client(role).post(url, {"assignee": member.expert.pk})
    scene.action.refresh_from_db()
    if role in ORGANISERS:
        assert response.status_code == 302 and scene.action.assignee_id == member.expert.pk
    else:
        assert _denied(response) and scene.action.assignee_id is None, response.status_code
