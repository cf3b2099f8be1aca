"""Offboarding: a member removed from an agency (or who leaves it) loses its agency-only
procedures at once, over the pages, the API with their own token, and search."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from audit.models import AuditEntry
from events.models import Event
from network.models import Membership
from sops import services
from tests import factories
from tests.security.conftest import SECRET_WORD

pytestmark = pytest.mark.django_db


def _sees(user, token: str, restricted) -> dict:
    pages = Client()
    pages.force_login(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return {
        "page": pages.get(restricted.sop.get_absolute_url()).status_code,
        "api": api.get(f"/api/v1/sops/{restricted.sop.pk}/").status_code,
        # The query is echoed back; the reference code appears only in a hit.
        "search": "SEC-001" in pages.get(f"/search/?q={SECRET_WORD}").content.decode(),
        "api_search": "SEC-001" in str(api.get(f"/api/v1/search/?q={SECRET_WORD}").json()),
        "inbox": "SEC-001" in pages.get("/notifications/").content.decode(),
    }


def _membership(user, agency) -> Membership:
    return Membership.objects.get(expert__user=user, agency=agency)


def _publish_revision(restricted, editor, publisher, capture):
    """A new version, so the agency's members have a notification about the procedure."""
    with capture(execute=True):
        draft = services.version_update(
            version=restricted.draft, by=editor, expected_edit_count=0, body="Sealed twice."
        )
        services.version_publish(version=draft, by=publisher, change_summary="Sealed twice")


def test_removed_member_loses_the_agency_only_sop_and_their_token_at_once(
    restricted,
    member,
    agency_admin,
    home_agency,
    editor,
    publisher,
    django_capture_on_commit_callbacks,
):
    _publish_revision(restricted, editor, publisher, django_capture_on_commit_callbacks)
    _token, raw = token_create(by=member, name="lab system", scope="write")
    assert _sees(member, raw, restricted) == {
        "page": 200,
        "api": 200,
        "search": True,
        "api_search": True,
        "inbox": True,
    }
    admin = Client()
    admin.force_login(agency_admin)
    removed = admin.post(
        reverse("network:membership_remove", args=[_membership(member, home_agency).pk]),
        {"reason": "Moved to another ministry"},
        follow=True,
    )
    assert "was removed from the agency" in removed.content.decode()
    after = _sees(member, raw, restricted)
    assert after["page"] == 404 and not after["search"] and not after["inbox"]
    assert after["api"] == 401  # the token went with the only membership that justified it
    assert not ApiToken.objects.get(user=member).is_active
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBERSHIP_REMOVED)
    assert entry.actor == agency_admin and entry.details["reason"] == "Moved to another ministry"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN_REVOKED).count() == 1
    assert Event.objects.filter(kind="expert.left", payload__status="removed").exists()
    assert _membership(member, home_agency).status == Membership.Status.REMOVED


def test_a_token_still_justified_by_another_agency_stays_but_sees_less(
    restricted,
    member,
    agency_admin,
    home_agency,
    other_agency,
    editor,
    publisher,
    django_capture_on_commit_callbacks,
):
    _publish_revision(restricted, editor, publisher, django_capture_on_commit_callbacks)
    Membership.objects.create(
        expert=member.expert, agency=other_agency, status=Membership.Status.APPROVED
    )
    _token, raw = token_create(by=member, name="lab system")
    assert _sees(member, raw, restricted)["inbox"]
    admin = Client()
    admin.force_login(agency_admin)
    admin.post(reverse("network:membership_remove", args=[_membership(member, home_agency).pk]))
    after = _sees(member, raw, restricted)
    assert after == {
        "page": 404,
        "api": 404,
        "search": False,
        "api_search": False,
        "inbox": False,
    }
    assert ApiToken.objects.get(user=member).is_active


def test_a_member_leaves_from_their_profile_and_may_ask_again(restricted, editor, home_agency):
    _token, raw = token_create(by=editor, name="editor's system")
    client = Client()
    client.force_login(editor)
    profile = client.get(reverse("network:profile")).content.decode()
    assert 'data-testid="leave-agency"' in profile
    left = client.post(
        reverse("network:membership_leave", args=[_membership(editor, home_agency).pk]),
        follow=True,
    )
    assert "You left" in left.content.decode()
    assert _sees(editor, raw, restricted)["page"] == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MEMBERSHIP_LEFT).exists()
    client.post(reverse("network:join_agency"), {"agency": home_agency.pk})
    assert _membership(editor, home_agency).status == Membership.Status.PENDING


def test_the_last_admin_can_neither_leave_nor_be_removed_by_another_agency(
    agency_admin, outsider, member, home_agency
):
    mine = _membership(agency_admin, home_agency)
    client = Client()
    client.force_login(agency_admin)
    refused = client.post(reverse("network:membership_leave", args=[mine.pk]), follow=True)
    assert "last admin" in refused.content.decode()
    foreign = Client()
    foreign.force_login(outsider)
    target = _membership(member, home_agency)
    foreign.post(reverse("network:membership_remove", args=[target.pk]))
    for membership in (mine, target):
        membership.refresh_from_db()
        assert membership.status == Membership.Status.APPROVED
    # Nobody leaves for someone else.
    foreign.post(reverse("network:membership_leave", args=[target.pk]))
    target.refresh_from_db()
    assert target.status == Membership.Status.APPROVED


def test_a_second_admin_may_leave_and_staff_may_remove_the_last(agency_admin, home_agency, staff):
    second = factories.expert(agency=home_agency, role=Membership.Role.ADMIN).user
    client = Client()
    client.force_login(second)
    client.post(reverse("network:membership_leave", args=[_membership(second, home_agency).pk]))
    assert _membership(second, home_agency).status == Membership.Status.LEFT
    platform = Client()
    platform.force_login(staff)
    platform.post(
        reverse("network:membership_remove", args=[_membership(agency_admin, home_agency).pk])
    )
    assert _membership(agency_admin, home_agency).status == Membership.Status.REMOVED
