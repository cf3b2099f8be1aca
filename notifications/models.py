"""Who follows what (Subscription), what reached whom (Notification), and mails (Mail).

A subscription names its target with one explicit nullable foreign key per kind of
target plus a ``kind`` column, and a check constraint keeps exactly the FK of its kind
set. Explicit FKs (not a generic FK) let the fan-out find every subscriber of an event
in one indexed query (``sop = X OR agency = Y OR topic IN (...) ...``) and let the
database cascade deletes; the price is six columns, which is cheap.

Members of an agency follow its SOPs at "all" implicitly: no rows are stored for that
default (so joining or leaving an agency needs no bookkeeping and the default can
change in one place, ``notifications.recipients``). A row for the same agency
overrides the default for that user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event
from network.models import Agency, Country, Expert, Region, Topic
from sops.models import SOP

TARGET_FIELDS = ("sop", "agency", "topic", "country", "region", "expert")


class Subscription(models.Model):
    class Kind(models.TextChoices):
        SOP = "sop", _("Procedure")
        AGENCY = "agency", _("Agency")
        TOPIC = "topic", _("Topic")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        EXPERT = "expert", _("Expert")

    class Level(models.TextChoices):
        ALL = "all", _("Every change")
        MAJOR = "major", _("Major changes only")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(_("follows"), max_length=10, choices=Kind.choices)
    sop = models.ForeignKey(SOP, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expert = models.ForeignKey(
        Expert, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("how much"), max_length=10, choices=Level.choices, default=Level.ALL)
    in_app = models.BooleanField(_("in the browser"), default=True)
    email_now = models.BooleanField(_("by e-mail at once"), default=False)
    digest = models.BooleanField(_("in a daily e-mail digest"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(kind=kind, **{f"{f}__isnull": f != kind for f in TARGET_FIELDS})
                        for kind in TARGET_FIELDS
                    ],
                    _connector=Q.OR,
                ),
                name="subscription_one_target_of_its_kind",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", f],
                    condition=Q(**{f"{f}__isnull": False}),
                    name=f"unique_subscription_{f}",
                )
                for f in TARGET_FIELDS
            ],
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.user} follows {self.kind} {self.target} ({self.level})"

    @property
    def target(self):
        return getattr(self, self.kind)

    @property
    def target_id(self):
        return getattr(self, f"{self.kind}_id")


class Notification(models.Model):
    """One event for one person: their inbox row, their toast, their mail's content."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    sop = models.ForeignKey(SOP, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    # The text as written in English when it was created (admin, old rows); what people
    # read is rendered from ``kind`` and ``params`` in their own language (``texts``).
    text = models.CharField(_("text"), max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300)
    in_app = models.BooleanField(default=True)
    email_now = models.BooleanField(default=False)
    digest = models.BooleanField(default=False)
    digest_mail = models.ForeignKey(
        "Mail", null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_items"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    read = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="unique_notification")
        ]
        indexes = [
            models.Index(fields=["recipient", "in_app", "read"], name="notif_unread"),
            models.Index(fields=["recipient", "digest", "digest_mail"], name="notif_digest"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"

    @property
    def display_title(self) -> str:
        """The title in the active language (the caller overrides it for a recipient)."""
        from notifications.texts import render_title

        return render_title(self.kind, self.params, self.title) if self.params else self.title

    @property
    def display_text(self) -> str:
        from notifications.texts import render_text

        return render_text(self.kind, self.params) if self.params else self.text


class Mail(models.Model):
    """A mail to send: one per notification (e-mail now) or per user and day (digest).

    Claimed with ``filter(id=..., sent_at=None).update(sent_at=now())`` before sending,
    so a retried task never sends it twice.
    """

    class Kind(models.TextChoices):
        NOW = "now", _("At once")
        DIGEST = "digest", _("Daily digest")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    day = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], condition=Q(kind="digest"), name="unique_digest_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} mail to {self.user} ({'sent' if self.sent_at else 'pending'})"
