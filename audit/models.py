"""The audit trail: who did what, when, for which agency. Rows are only ever added."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        SOP_PUBLISHED = "sop.published", _("SOP published")
        SOP_WITHDRAWN = "sop.withdrawn", _("SOP withdrawn")
        SOP_SUBMITTED = "sop.submitted", _("SOP submitted for review")
        SOP_RETURNED = "sop.returned", _("SOP returned to its editors")
        SOP_TOOK_EFFECT = "sop.took_effect", _("SOP version took effect")
        SOP_REVIEWED = "sop.reviewed", _("SOP reviewed, no change")
        SOP_ACK_OVERDUE = "sop.acknowledgement_overdue", _("SOP acknowledgements overdue")
        SOP_POLICY = "sop.policy_changed", _("Agency procedure rules changed")
        SOP_TRANSLATION_LINKED = "sop.translation_linked", _("SOP linked as a translation")
        SOP_TRANSLATION_UNLINKED = "sop.translation_unlinked", _("SOP translation link removed")
        MEMBERSHIP_APPROVED = "membership.approved", _("Membership approved")
        MEMBERSHIP_REJECTED = "membership.rejected", _("Membership rejected")
        MEMBERSHIP_ROLE = "membership.role_changed", _("Role changed")
        MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
        MEMBERSHIP_LEFT = "membership.left", _("Member left")
        SECOND_FACTOR_ENROLLED = "second_factor.enrolled", _("Second factor set up")
        RECOVERY_CODES_RENEWED = "second_factor.recovery_renewed", _("Recovery codes renewed")
        TOKEN_CREATED = "api_token.created", _("API token created")
        TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
        WEBHOOK_CREATED = "webhook.created", _("Webhook created")
        WEBHOOK_CHANGED = "webhook.changed", _("Webhook changed")
        WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
        ASSESSMENT_CREATED = "assessment.created", _("Capacity assessment started")
        ASSESSMENT_CHANGED = "assessment.changed", _("Capacity assessment changed")
        ASSESSMENT_SUBMITTED = "assessment.submitted", _("Capacity assessment submitted")
        ASSESSMENT_RETURNED = "assessment.returned", _("Capacity assessment returned")
        ASSESSMENT_VALIDATED = "assessment.validated", _("Capacity assessment validated")
        NEED_CHANGED = "need.changed", _("Capacity need changed")
        CAPACITY_REGISTER = "capacity.register_changed", _("Capacity register changed")
        ACTIVITY_CHANGED = "training.activity", _("Training or exercise changed")
        REGISTRATION_CHANGED = "training.registration", _("Registration changed")
        TRAINER_QUALIFIED = "training.qualified", _("Trainer qualified")
        REPORT_CHANGED = "training.report", _("After-action report changed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the record still says who it was after the account is gone.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    agency = models.ForeignKey(
        "network.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agency"),
    )
    target = models.CharField(_("target"), max_length=64, blank=True, help_text="e.g. sop:12")
    details = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["agency", "created"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        # Integrity, not a business rule: an audit trail that can be rewritten proves nothing.
        if self.pk is not None:
            raise AppendOnly("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries are append-only")
