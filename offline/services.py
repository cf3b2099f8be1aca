"""Changes to a member's offline kit, and acknowledgements that arrive from a device.

Keeping something is the member's own business (no audit entry); an acknowledgement is
recorded by ``sops.services.version_acknowledge``, the one home of that rule, so an
offline one counts exactly like one made online, and once.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused, Conflict, NotAllowed
from network.models import Agency, Membership, Topic
from network.permissions import has_role
from offline.models import MB, KeptItem, KitAgencyPolicy, KitSettings, QueuedAcknowledgement
from sops import selectors as sop_selectors
from sops import services as sop_services
from sops.models import SOP
from sops.permissions import WORKING_STATUSES, can_view_sop

# A phone's storage is the limit that matters; past 100 MB a single file is not a procedure.
MAX_ATTACHMENT_LIMIT = 100 * MB
# A device's clock may run a little fast; more than this is not a reading time.
CLOCK_SKEW = datetime.timedelta(minutes=10)


def _signed_in(by) -> None:
    if not by or not by.is_authenticated:
        raise NotAllowed(_("Sign in to keep procedures offline."))


@transaction.atomic
def kept_item_add(
    *, by, sop: SOP | None = None, agency: Agency | None = None, topic: Topic | None = None
) -> KeptItem:
    """Keep one SOP, agency or topic offline (a second time is a no-op)."""
    _signed_in(by)
    targets = [t for t in (sop, agency, topic) if t is not None]
    if len(targets) != 1:
        raise ActionRefused(_("Choose one procedure, agency or topic to keep."))
    if sop is not None and not can_view_sop(by, sop):
        raise NotAllowed(_("You cannot see this procedure."))
    kind = KeptItem.Kind.SOP if sop else KeptItem.Kind.AGENCY if agency else KeptItem.Kind.TOPIC
    try:
        with transaction.atomic():
            item, _created = KeptItem.objects.get_or_create(
                user=by, kind=kind, sop=sop, agency=agency, topic=topic
            )
    except IntegrityError:
        item = KeptItem.objects.get(user=by, kind=kind, sop=sop, agency=agency, topic=topic)
    return item


@transaction.atomic
def kept_item_remove(*, by, item_id: int) -> None:
    """Stop keeping it; the device drops it at its next check."""
    _signed_in(by)
    deleted, _rows = KeptItem.objects.filter(user=by, pk=item_id).delete()
    if not deleted:
        raise Conflict(_("This is not in your offline kit."))


@transaction.atomic
def kit_settings_update(
    *, by, keep_own_agency: bool, max_attachment_bytes: int, shared_device: bool
) -> KitSettings:
    _signed_in(by)
    if not 0 <= max_attachment_bytes <= MAX_ATTACHMENT_LIMIT:
        raise ActionRefused(
            _("The attachment limit must be between 0 and %(limit)d MB.")
            % {"limit": MAX_ATTACHMENT_LIMIT // MB}
        )
    settings, _created = KitSettings.objects.select_for_update().get_or_create(user=by)
    settings.keep_own_agency = keep_own_agency
    settings.max_attachment_bytes = max_attachment_bytes
    settings.shared_device = shared_device
    settings.save()
    return settings


@transaction.atomic
def kit_agency_policy_set(*, by, agency: Agency, allow_shared_devices: bool) -> KitAgencyPolicy:
    """An agency admin decides whether agency-only procedures may sit on shared devices."""
    if not has_role(by, agency, Membership.Role.ADMIN):
        raise NotAllowed(_("Only the agency's admins can change this rule."))
    policy, _created = KitAgencyPolicy.objects.select_for_update().get_or_create(agency=agency)
    policy.allow_shared_devices = allow_shared_devices
    policy.save()
    return policy


def queued_acknowledgement_receive(
    *, by, client_id: uuid.UUID, version_id: int, read_at: datetime.datetime
) -> tuple[QueuedAcknowledgement, bool]:
    """Record an acknowledgement made offline; returns (row, created).

    The same ``client_id`` again returns the first row and changes nothing. A version
    replaced before the acknowledgement arrived is recorded as read but does not count:
    the member is asked to read the version in force.
    """
    _signed_in(by)
    found = QueuedAcknowledgement.objects.filter(user=by, client_id=client_id).first()
    if found is not None:
        return found, False
    version = sop_selectors.version_for_viewer(user=by, pk=version_id)
    if version is None:
        raise NotAllowed(_("You cannot see this procedure."))
    if version.status in WORKING_STATUSES:
        raise Conflict(_("Only the version in force can be acknowledged."))
    now = timezone.now()
    if read_at > now + CLOCK_SKEW:
        raise ActionRefused(_("The reading time is in the future: check the device's clock."))
    read_at = min(read_at, now)
    try:
        with transaction.atomic():
            try:
                ack = sop_services.version_acknowledge(version=version, by=by)
                outcome = QueuedAcknowledgement.Outcome.RECORDED
            except Conflict:
                ack, outcome = None, QueuedAcknowledgement.Outcome.REPLACED
            row = QueuedAcknowledgement.objects.create(
                user=by,
                client_id=client_id,
                version=version,
                read_at=read_at,
                outcome=outcome,
                acknowledgement=ack,
            )
    except IntegrityError:
        # The same id sent twice at once: the other request recorded it.
        return QueuedAcknowledgement.objects.get(user=by, client_id=client_id), False
    return row, True
