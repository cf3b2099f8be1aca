"""Outbox rows and the record of which handler has run for which event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something that happened, written in the same transaction as the change itself."""

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(_("target"), max_length=64, blank=True, help_text="e.g. sop:12")
    payload = models.JSONField(_("payload"), default=dict)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    dispatched = models.DateTimeField(_("dispatched"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.target})"


class HandlerRun(models.Model):
    """One handler's run for one event: claimed before it runs, so it never runs twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handler_runs")
    handler = models.CharField(max_length=128)
    claimed = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="unique_handler_run")
        ]

    def __str__(self) -> str:
        return f"{self.handler} for event {self.event_id}"
