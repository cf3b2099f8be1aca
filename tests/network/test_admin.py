"""The Django admin changes memberships and experts only through the network services,
and shows subscriptions without changing them."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.urls import reverse

from audit.models import AuditEntry
from events.models import Event
from network.models import Expert, Membership
from notifications import services as follow
from notifications.models import Subscription
from tests import factories


def _membership_form(membership, **changes) -> dict:
    return {"role": changes.get("role", membership.role), "_save": "Save"}


def test_role_change_in_the_admin_goes_through_the_service(client_for, staff, member):
    membership = Membership.objects.get(expert__user=member)
    url = reverse("admin:network_membership_change", args=[membership.pk])
    response = client_for(staff).post(url, _membership_form(membership, role="editor"))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.EDITOR
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.actor == staff and entry.details == {
        "membership_id": membership.pk,
        "from": "member",
        "to": "editor",
    }


def test_a_role_the_service_refuses_is_shown_as_an_error_and_changes_nothing(
    client_for, staff, unvetted
):
    pending = Membership.objects.get(expert__user=unvetted)
    url = reverse("admin:network_membership_change", args=[pending.pk])
    response = client_for(staff).post(url, _membership_form(pending, role="admin"), follow=True)
    assert "Only approved members have a role to change." in response.content.decode()
    pending.refresh_from_db()
    assert pending.role == Membership.Role.MEMBER
    assert not AuditEntry.objects.exists()
    assert not LogEntry.objects.filter(object_id=str(pending.pk)).exists()


def test_membership_status_cannot_be_changed_added_or_deleted_in_the_admin(
    client_for, staff, unvetted
):
    pending = Membership.objects.get(expert__user=unvetted)
    client = client_for(staff)
    url = reverse("admin:network_membership_change", args=[pending.pk])
    client.post(url, {"role": "member", "status": "approved", "_save": "Save"})
    assert Membership.objects.get(pk=pending.pk).status == Membership.Status.PENDING
    assert client.get(reverse("admin:network_membership_add")).status_code == 403
    delete = reverse("admin:network_membership_delete", args=[pending.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=pending.pk).exists()


def test_expert_change_in_the_admin_emits_expert_updated(client_for, staff, member):
    expert = Expert.objects.get(user=member)
    url = reverse("admin:network_expert_change", args=[expert.pk])
    page = client_for(staff).get(url).content.decode()
    assert 'name="memberships-0-role"' not in page  # memberships are shown, not edited
    topic = factories.topic()
    data = {
        "full_name": "Renamed Expert",
        "position": "Lab head",
        "bio": "",
        "country": expert.country_id or "",
        "phone": "",
        "contact_visibility": expert.contact_visibility,
        "timezone": expert.timezone,
        "topics": [topic.pk],
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    response = client_for(staff).post(url, data)
    assert response.status_code == 302, [str(e) for e in response.context["errors"]]
    expert.refresh_from_db()
    assert expert.full_name == "Renamed Expert" and list(expert.topics.all()) == [topic]
    event = Event.objects.get(kind="expert.updated")
    assert event.payload == {"expert_id": expert.pk} and event.actor == staff


def test_subscriptions_are_read_only_in_the_admin(client_for, staff, member, home_agency):
    subscription = follow.subscription_set(by=member, target=home_agency)
    client = client_for(staff)
    url = reverse("admin:notifications_subscription_change", args=[subscription.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"user": member.pk, "kind": "agency", "level": "muted"})
    assert response.status_code == 403
    assert Subscription.objects.get(pk=subscription.pk).level == Subscription.Level.ALL
    assert client.get(reverse("admin:notifications_subscription_add")).status_code == 403
