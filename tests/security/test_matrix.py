"""Every role against every page, API endpoint, download and search touching one agency-only
procedure: those who may see it do; nobody else finds it, and nobody changes what they may not."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event
from notifications import services as follow
from notifications.models import Notification
from notifications.selectors import notifications_after, notifications_list, unread_count
from sops import services
from sops.models import SOP, Attachment, SOPVersion
from tests.security.conftest import (
    EDITORS,
    NON_VIEWERS,
    PDF,
    ROLES,
    SECRET_WORD,
    VIEWERS,
)


def _detail_pages(r) -> list[str]:
    sop, v = r.sop, r.published
    return [
        f"/sops/{sop.pk}/",
        f"/sops/{sop.pk}/versions/{v.pk}/",
        f"/sops/{sop.pk}/compare/?a={v.pk}&b={v.pk}",
        f"/sops/attachments/{r.attachment.pk}/",
        f"/sops/{sop.pk}/versions/{v.pk}/print/",
        f"/sops/check/{v.pk}/",
    ]


def _detail_api(r) -> list[str]:
    sop, v = r.sop, r.published
    return [
        f"/api/v1/sops/{sop.pk}/",
        f"/api/v1/sops/{sop.pk}/versions/",
        f"/api/v1/sops/{sop.pk}/diff/?old={v.pk}&new={v.pk}",
        f"/api/v1/versions/{v.pk}/",
        f"/api/v1/versions/{v.pk}/attachments/",
        f"/api/v1/attachments/{r.attachment.pk}/download/",
    ]


def _lists(r) -> list[str]:
    return [
        "/sops/",
        f"/search/?q={SECRET_WORD}",
        f"/search/suggest/?q={SECRET_WORD[:4]}",
        "/api/v1/sops/",
        f"/api/v1/sops/?q={SECRET_WORD}",
        f"/api/v1/search/?q={SECRET_WORD}",
    ]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_agency_only_procedure(role, restricted, page_client, api_client):
    pages, api = page_client(role), api_client(role)
    may_see = role in VIEWERS
    for url in _detail_pages(restricted):
        response = pages.get(url)
        body = _body(response)
        if may_see:
            assert response.status_code == 200, (role, url, response.status_code)
        else:
            assert response.status_code in (302, 403, 404), (role, url, response.status_code)
            assert SECRET_WORD.encode() not in body and PDF not in body, (role, url)
    for url in _detail_api(restricted):
        response = api.get(url)
        assert response.status_code == (200 if may_see else 404), (role, url, response.status_code)
        if not may_see:
            assert SECRET_WORD.encode() not in _body(response)
    for url in _lists(restricted):
        response = api.get(url) if url.startswith("/api/") else pages.get(url)
        assert response.status_code == 200, (role, url)
        # The query itself is echoed back; the reference code only appears in a hit.
        found = b"SEC-001" in response.content
        if url.startswith("/search/suggest"):
            continue  # suggestions may be empty for anyone; only leaks matter below
        assert found == may_see, (role, url)
    if not may_see:
        suggest = pages.get(f"/search/suggest/?q={SECRET_WORD[:4]}")
        assert SECRET_WORD.encode() not in suggest.content


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_open_draft(role, restricted, page_client, api_client):
    response = api_client(role).get(f"/api/v1/versions/{restricted.draft.pk}/")
    assert response.status_code == (200 if role in EDITORS else 404), role
    page = page_client(role).get(f"/sops/{restricted.sop.pk}/versions/{restricted.draft.pk}/")
    assert (page.status_code == 200) == (role in EDITORS), (role, page.status_code)


def _state(r) -> tuple:
    return (
        SOP.objects.count(),
        list(SOPVersion.objects.order_by("pk").values_list("pk", "status", "title", "edit_count")),
        Attachment.objects.count(),
        SOP.objects.get(pk=r.sop.pk).current_version_id,
    )


@pytest.mark.parametrize("role", ("member", *NON_VIEWERS))
def test_nobody_without_the_role_changes_it_through_the_api(role, restricted, api_client):
    r, api = restricted, api_client(role)
    before = _state(r)
    draft, published = r.draft, r.published
    attempts = [
        api.post(f"/api/v1/sops/{r.sop.pk}/revisions/", {}),
        api.patch(
            f"/api/v1/versions/{draft.pk}/",
            {"title": "hijacked"},
            format="json",
            HTTP_IF_MATCH=f'"{draft.pk}-{draft.edit_count}"',
        ),
        api.post(f"/api/v1/versions/{draft.pk}/submit/"),
        api.post(f"/api/v1/versions/{draft.pk}/publish/", {"change_summary": "x"}),
        api.post(f"/api/v1/versions/{published.pk}/withdraw/", {"reason": "x"}),
        api.post(
            f"/api/v1/versions/{draft.pk}/attachments/",
            {"file": SimpleUploadedFile("x.pdf", PDF, "application/pdf")},
            format="multipart",
        ),
        api.post(
            f"/api/v1/versions/{published.pk}/adapt/",
            {"agency": "other-agency", "reference": "STOLEN-1"},
            format="json",
        ),
    ]
    if role != "member":  # a member may follow it; the others may not even name it
        attempts.append(
            api.post("/api/v1/follows/", {"kind": "sop", "target": str(r.sop.pk)}, format="json")
        )
    expected = {"anonymous": {401}, "member": {403, 404}}.get(role, {403, 404})
    for response in attempts:
        assert response.status_code in expected | ({400} if role == "member" else set()), (
            role,
            response.status_code,
            response.json(),
        )
        assert set(response.json()) == {"error"}
    assert _state(r) == before


@pytest.mark.parametrize("role", ("member", *NON_VIEWERS))
def test_nobody_without_the_role_changes_it_through_the_pages(role, restricted, page_client):
    r, pages = restricted, page_client(role)
    before = _state(r)
    sop, draft, published = r.sop.pk, r.draft.pk, r.published.pk
    posts = [
        (f"/sops/{sop}/revise/", {}),
        (f"/sops/{sop}/versions/{draft}/edit/", {"title": "hijacked", "body": "x"}),
        (f"/sops/{sop}/versions/{draft}/submit/", {}),
        (f"/sops/{sop}/versions/{draft}/publish/", {"change_summary": "x"}),
        (f"/sops/{sop}/versions/{published}/withdraw/", {"reason": "x"}),
        (f"/sops/{sop}/versions/{draft}/attachments/", {"file": SimpleUploadedFile("x.pdf", PDF)}),
        (f"/sops/attachments/{r.attachment.pk}/remove/", {}),
        (f"/sops/{sop}/adapt/", {"agency": "other-agency", "reference": "STOLEN-2"}),
    ]
    for url, data in posts:
        response = pages.post(url, data)
        assert response.status_code in (302, 400, 403, 404, 405), (role, url, response.status_code)
    assert _state(r) == before


def test_only_those_who_may_see_it_are_notified(
    restricted, member, outsider, editor, publisher, home_agency, django_capture_on_commit_callbacks
):
    follow.subscription_set(by=outsider, target=home_agency)
    with django_capture_on_commit_callbacks(execute=True):
        services.version_update(
            version=restricted.draft, by=editor, expected_edit_count=0, body="New text"
        )
        services.version_publish(version=restricted.draft, by=publisher, change_summary="New")
    about = Notification.objects.filter(sop=restricted.sop)
    assert about.filter(recipient=member).exists()
    assert not about.filter(recipient=outsider).exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_who_is_shown_a_notification_about_it(role, restricted, persona, page_client):
    """A notification about the agency-only procedure, left in anyone's inbox (as one from
    before a visibility change would be), shows to those who may see it, staff included;
    for the others neither the inbox, its count nor the catch-up mentions it."""
    user = persona(role)
    unread, caught_up = unread_count(user=user), len(notifications_after(user=user))
    event = Event.objects.create(kind="sop.published", target=f"sop:{restricted.sop.pk}")
    Notification.objects.create(
        recipient=user, event=event, kind="sop.published", sop=restricted.sop,
        title=f"SEC-001 {SECRET_WORD}", link=restricted.sop.get_absolute_url(),
    )  # fmt: skip
    Notification.objects.create(
        recipient=user, event=Event.objects.create(kind="membership.approved"),
        kind="membership.approved", title="About no procedure", link="/profile/",
    )  # fmt: skip
    may_see = role in VIEWERS
    shown = [n.title for n in notifications_list(user=user)]
    assert (f"SEC-001 {SECRET_WORD}" in shown) == may_see, (role, shown)
    assert "About no procedure" in shown
    added = 2 if may_see else 1
    assert unread_count(user=user) == unread + added
    assert len(notifications_after(user=user)) == caught_up + added
    inbox = page_client(role).get("/notifications/")
    assert inbox.status_code == 200
    assert (SECRET_WORD.encode() in inbox.content) == may_see, role


def test_a_procedure_shared_with_a_partner_agency_reaches_its_members(
    restricted, outsider, other_agency, page_client
):
    """Sharing is the one visibility rule that is not a column of the SOP: the list, the
    inbox and the API follow it too."""
    restricted.sop.partner_agencies.add(other_agency)
    event = Event.objects.create(kind="sop.published", target=f"sop:{restricted.sop.pk}")
    Notification.objects.create(
        recipient=outsider, event=event, kind="sop.published", sop=restricted.sop,
        title=f"SEC-001 {SECRET_WORD}", link=restricted.sop.get_absolute_url(),
    )  # fmt: skip
    pages = page_client("outsider")
    assert b"SEC-001" in pages.get("/sops/").content
    assert SECRET_WORD.encode() in pages.get("/notifications/").content
    assert pages.get(restricted.sop.get_absolute_url()).status_code == 200
    restricted.sop.partner_agencies.remove(other_agency)
    assert b"SEC-001" not in pages.get("/sops/").content
    assert SECRET_WORD.encode() not in pages.get("/notifications/").content


# Compliance: the dashboard, its CSV export, the agency's rules, what one owes ----------

PUBLISHERS = ("staff", "agency_admin", "publisher")
ADMINS = ("staff", "agency_admin")
MEMBERS_OF_HOME = ("agency_admin", "publisher", "editor", "member")  # staff is no member


def _compliance_pages(r) -> dict[str, tuple[str, ...]]:
    code = r.sop.agency.code
    return {
        f"/sops/agency/{code}/": PUBLISHERS,
        f"/sops/agency/{code}/acknowledgements.csv": PUBLISHERS,
        f"/sops/agency/{code}/rules/": ADMINS,
        f"/api/v1/agencies/{code}/acknowledgements/": PUBLISHERS,
    }


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_agency_compliance_record(role, restricted, page_client, api_client):
    for url, allowed in _compliance_pages(restricted).items():
        client = api_client(role) if url.startswith("/api/") else page_client(role)
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url, response.status_code)
            if not url.endswith("/rules/"):  # the rules page names no procedure
                assert b"SEC-001" in _body(response), (role, url)
        else:
            assert response.status_code in (302, 401, 403, 404), (role, url, response.status_code)
            assert b"SEC-001" not in _body(response) and SECRET_WORD.encode() not in _body(response)


@pytest.mark.parametrize("role", ROLES)
def test_what_one_owes_names_only_procedures_one_may_see(role, restricted, api_client):
    response = api_client(role).get("/api/v1/me/acknowledgements/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    owed = response.json()
    # Not even a count: those who may not see it get an empty list.
    assert len(owed) == (1 if role in MEMBERS_OF_HOME else 0), role
    assert (b"SEC-001" in response.content) == (role in MEMBERS_OF_HOME)


@pytest.mark.parametrize("role", ("member", "editor", *NON_VIEWERS))
def test_nobody_without_the_role_marks_it_reviewed_or_acknowledges_what_they_cannot_see(
    role, restricted, page_client, api_client
):
    r = restricted
    before = (_state(r), SOPVersion.objects.get(pk=r.published.pk).review_due)
    api, pages = api_client(role), page_client(role)
    nxt = "2099-01-01"
    responses = [
        api.post(f"/api/v1/versions/{r.published.pk}/reviewed/", {"next_review": nxt}),
        pages.post(f"/sops/{r.sop.pk}/versions/{r.published.pk}/reviewed/", {"next_review": nxt}),
        pages.post(f"/sops/agency/{r.sop.agency.code}/rules/", {"acknowledge_days": 1}),
    ]
    for response in responses:
        assert response.status_code in (302, 401, 403, 404), (role, response.status_code)
    if role in NON_VIEWERS:
        ack = api.post(f"/api/v1/versions/{r.published.pk}/acknowledge/")
        assert ack.status_code in (401, 404), (role, ack.status_code)
    assert (_state(r), SOPVersion.objects.get(pk=r.published.pk).review_due) == before
    from sops.models import AgencyPolicy

    assert not AgencyPolicy.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_names_the_procedure_only_to_those_it_binds(role, restricted, page_client):
    response = page_client(role).get("/")
    assert response.status_code == 200
    owed = response.context.get("owed") or []
    assert len(owed) == (1 if role in MEMBERS_OF_HOME else 0), role
    if role not in VIEWERS:
        assert b"SEC-001" not in response.content and SECRET_WORD.encode() not in response.content
