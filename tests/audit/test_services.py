"""The audit trail is written by the services, in their transaction, and never rewritten."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.models import AppendOnly, AuditEntry
from audit.services import audit_record
from network import services as network_services
from network.models import Membership
from sops import services as sop_services
from tests import factories


def test_publish_and_withdraw_are_recorded(home_agency, editor, publisher):
    draft = sop_services.sop_create(
        agency=home_agency,
        reference="BIO-1",
        title="Parcel",
        body="Isolate it.",
        language=factories.language(),
        by=editor,
    )
    version = sop_services.version_publish(version=draft, by=publisher)
    sop_services.version_withdraw(version=version, by=publisher, reason="Replaced")
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["sop.published", "sop.withdrawn"]
    assert all(e.actor == publisher and e.agency == home_agency for e in entries)
    assert entries[0].details["number"] == "1.0" and entries[1].details["reason"] == "Replaced"


def test_vetting_and_role_changes_are_recorded(home_agency, agency_admin):
    applicant = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    refused = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    membership = applicant.memberships.get()
    network_services.membership_approve(membership=membership, by=agency_admin)
    network_services.membership_reject(
        membership=refused.memberships.get(), by=agency_admin, reason="Unknown to us"
    )
    network_services.membership_set_role(membership=membership, role="editor", by=agency_admin)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "details"))
    assert [a for a, _ in actions] == [
        "membership.approved",
        "membership.rejected",
        "membership.role_changed",
    ]
    assert actions[2][1] == {"membership_id": membership.pk, "from": "member", "to": "editor"}


def test_a_refused_action_leaves_no_entry(home_agency, member):
    applicant = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    with pytest.raises(Exception, match="Only this agency's admins"):
        network_services.membership_approve(membership=applicant.memberships.get(), by=member)
    assert not AuditEntry.objects.exists()


def test_a_rolled_back_transaction_takes_its_entry_with_it(member):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=member, action="api_token.created", target="api_token:1")
        raise RuntimeError("the caller failed after recording")
    assert not AuditEntry.objects.exists()


def test_entries_cannot_be_changed_or_deleted(member):
    entry = audit_record(actor=member, action="api_token.created", target="api_token:1")
    entry.target = "api_token:2"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    assert AuditEntry.objects.get().target == "api_token:1"


def test_unknown_action_is_a_programming_error(member):
    with pytest.raises(ValueError):
        audit_record(actor=member, action="sop.vanished")
