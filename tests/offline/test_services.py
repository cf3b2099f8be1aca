"""The reconnect check and acknowledgements that arrive late, through the real services."""

from __future__ import annotations

import uuid

from django.utils import timezone

from offline import selectors, services
from offline.models import QueuedAcknowledgement
from sops import services as sop_services
from sops.models import Acknowledgement
from tests.notifications.conftest import publish_new, publish_revision


def test_check_reports_a_major_revision_to_acknowledge_and_a_withdrawal(publisher, member):
    bio = publish_new(publisher=publisher, title="Suspicious parcel")
    old = publish_new(publisher=publisher, title="Old procedure")
    first = bio.current_version
    held = {bio.pk: first.pk, old.pk: old.current_version_id}
    assert selectors.kit_check(user=member, held=held)["changed"] == []

    second = publish_revision(sop=bio, publisher=publisher, change_kind="major")
    sop_services.version_withdraw(version=old.current_version, by=publisher, reason="Replaced.")
    result = selectors.kit_check(user=member, held=held)
    assert result["changed"] == [
        {
            "id": bio.pk,
            "reference": bio.reference,
            "from": "1.0",
            "to": "2.0",
            "major": True,
            "acknowledge": True,
            "version_id": second.pk,
        }
    ]
    assert result["removed"] == [old.pk]


def test_an_acknowledgement_of_a_replaced_version_is_recorded_as_read_not_counted(
    publisher, member
):
    sop = publish_new(publisher=publisher)
    first = sop.current_version
    publish_revision(sop=sop, publisher=publisher, change_kind="major")
    read_at = timezone.now() - timezone.timedelta(hours=3)
    row, created = services.queued_acknowledgement_receive(
        by=member, client_id=uuid.uuid4(), version_id=first.pk, read_at=read_at
    )
    assert created and row.outcome == QueuedAcknowledgement.Outcome.REPLACED
    assert row.read_at == read_at and row.received_at > read_at
    assert not Acknowledgement.objects.exists()


def test_stopping_keeping_and_keeping_twice(publisher, outsider):
    sop = publish_new(publisher=publisher)
    first = services.kept_item_add(by=outsider, sop=sop)
    assert services.kept_item_add(by=outsider, sop=sop).pk == first.pk
    assert [e.sop.pk for e in selectors.kit_entries(user=outsider)] == [sop.pk]
    services.kept_item_remove(by=outsider, item_id=first.pk)
    assert selectors.kit_entries(user=outsider) == []
