"""What a member keeps on their device for reading without a link.

The server holds the member's choices (what to keep, the attachment size limit, whether
the device is shared) and the acknowledgements queued on a device; what is actually on a
device lives in that browser's cache and IndexedDB (``static/offline/``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Topic
from sops.models import SOP, Acknowledgement, SOPVersion

MB = 1024 * 1024


class KitSettings(models.Model):
    """A member's kit rules. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_kit"
    )
    keep_own_agency = models.BooleanField(_("keep my agencies' procedures in force"), default=True)
    max_attachment_bytes = models.PositiveIntegerField(
        _("largest attachment to keep (bytes)"), default=5 * MB
    )
    shared_device = models.BooleanField(
        _("I use a shared device (a post computer)"),
        default=False,
        help_text=_(
            "Agency-only procedures are then kept only where their agency allows it on shared devices."
        ),
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offline kit settings")
        verbose_name_plural = _("offline kit settings")

    def __str__(self) -> str:
        return f"offline kit of {self.user}"

    @classmethod
    def for_user(cls, user) -> KitSettings:
        found = cls.objects.filter(user=user).first()
        return found or cls(user=user)


class KitAgencyPolicy(models.Model):
    """An agency's rule for its agency-only procedures on shared devices (default: not kept)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="offline_policy")
    allow_shared_devices = models.BooleanField(
        _("agency-only procedures may be kept on shared devices"), default=False
    )

    def __str__(self) -> str:
        return f"{self.agency} offline rule"


class KeptItem(models.Model):
    """A member chose "Keep offline" on an SOP, an agency or a topic."""

    class Kind(models.TextChoices):
        SOP = "sop", _("Procedure")
        AGENCY = "agency", _("Agency")
        TOPIC = "topic", _("Topic")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    sop = models.ForeignKey(SOP, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sop"], condition=Q(kind="sop"), name="unique_kept_sop"
            ),
            models.UniqueConstraint(
                fields=["user", "agency"], condition=Q(kind="agency"), name="unique_kept_agency"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(kind="topic"), name="unique_kept_topic"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="sop", sop__isnull=False, agency__isnull=True, topic__isnull=True)
                    | Q(kind="agency", sop__isnull=True, agency__isnull=False, topic__isnull=True)
                    | Q(kind="topic", sop__isnull=True, agency__isnull=True, topic__isnull=False)
                ),
                name="kept_item_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} keeps {self.target}"

    @property
    def target(self):
        return self.sop or self.agency or self.topic


class QueuedAcknowledgement(models.Model):
    """An acknowledgement made on a device without a link, received later.

    ``client_id`` is made by the device, so sending it twice records it once.
    """

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        REPLACED = "replaced", _("The version was replaced before it was received")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    version = models.ForeignKey(SOPVersion, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read on the device at"))
    received_at = models.DateTimeField(_("received by the server at"), auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    acknowledgement = models.ForeignKey(
        Acknowledgement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="unique_queued_ack")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.version} at {self.read_at}"
