"""Trainings and exercises: activities, who took part, trainers, certificates, after-action.

The cascade is read from two links: a ``TrainerQualification`` names the course that
qualified the trainer, and an ``Activity`` names the qualification its trainer ran it
under. Trainer -> activities they ran -> people who completed them (who may in turn be
qualified by that activity) is then a walk over indexed foreign keys.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Country, Expert, Language, Topic
from sops.models import SOP, SOPVersion


def new_code() -> str:
    """An unguessable code (128 bits) for certificate links and calendar feeds."""
    return secrets.token_urlsafe(16)


class Activity(models.Model):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Awareness event")
        TRAINING = "training", _("Training")
        WORKSHOP = "workshop", _("Workshop")
        TTT = "ttt", _("Train-the-trainer course")
        TABLETOP = "tabletop", _("Table-top exercise")
        FIELD = "field", _("Field exercise")
        CONFERENCE = "conference", _("Conference")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        CROSS_BORDER = "cross_border", _("Cross-border")
        SUB_REGIONAL = "sub_regional", _("Sub-regional")
        REGIONAL = "regional", _("Regional")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    EXERCISES = (Kind.TABLETOP, Kind.FIELD)

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    organiser = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name=_("organising agency"),
    )
    participating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="activities", verbose_name=_("participating agencies")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="activities", verbose_name=_("countries")
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    language = models.ForeignKey(
        Language, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("language")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="activities", verbose_name=_("topics")
    )
    sop_versions = models.ManyToManyField(
        SOPVersion, blank=True, related_name="activities", verbose_name=_("procedures trained")
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_opens = models.DateField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateField(_("registration closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The cascade: the qualification under which the trainer ran this activity.
    trainer_qualification = models.ForeignKey(
        "TrainerQualification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities_run",
        verbose_name=_("run by trainer"),
    )
    cancelled_reason = models.TextField(_("cancelled because"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts", "id"]
        indexes = [
            models.Index(fields=["status", "starts"]),
            models.Index(fields=["organiser", "starts"]),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:activity", args=[self.pk])

    @property
    def is_exercise(self) -> bool:
        return self.kind in self.EXERCISES


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        NOMINATED = "nominated", _("Nominated")
        CONFIRMED = "confirmed", _("Confirmed")
        ATTENDED = "attended", _("Attended")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses that hold a seat.
    ACTIVE = (
        Status.REGISTERED,
        Status.NOMINATED,
        Status.CONFIRMED,
        Status.ATTENDED,
        Status.COMPLETED,
    )
    REACHED = (Status.ATTENDED, Status.COMPLETED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nominating agency"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "expert"], name="unique_registration")
        ]
        indexes = [models.Index(fields=["activity", "status"])]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.expert} @ {self.activity} ({self.status})"


# What an organiser records after a registration (the API's choices).
MARKS = [
    (Registration.Status.CONFIRMED, _("Confirmed")),
    (Registration.Status.ATTENDED, _("Attended")),
    (Registration.Status.COMPLETED, _("Completed")),
]


class TrainerQualification(models.Model):
    """The record that makes an expert a trainer for a topic: a date and the course."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="qualifications")
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    qualified_on = models.DateField(_("qualified on"))
    course = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qualifications",
        verbose_name=_("course"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["qualified_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "topic", "course"], name="unique_qualification"
            )
        ]
        verbose_name = _("trainer qualification")
        verbose_name_plural = _("trainer qualifications")

    def __str__(self) -> str:
        return f"{self.expert} – {self.topic}"


class Certificate(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=32, unique=True, default=new_code)
    issued = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("training:certificate", args=[self.code])


class AfterActionReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Findings about an agency's weaknesses are sensitive: participants only unless opened.
    shared_with_network = models.BooleanField(_("shared with the whole network"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("after-action report")
        verbose_name_plural = _("after-action reports")

    def __str__(self) -> str:
        return f"AAR: {self.activity}"


class Observation(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        IMPROVEMENT = "improvement", _("Area for improvement")

    report = models.ForeignKey(
        AfterActionReport, on_delete=models.CASCADE, related_name="observations"
    )
    capability = models.CharField(_("capability"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("observation"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["capability", "id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.capability}: {self.text[:40]}"


class CorrectiveAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("corrective action"), max_length=300)
    owner = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("owning agency"),
    )
    assignee = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("reason"), blank=True)
    # A change request on this SOP; closed by the revision that addresses it.
    sop = models.ForeignKey(
        SOP,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
        verbose_name=_("procedure to change"),
    )
    addressed_by = models.ForeignKey(
        SOPVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addresses",
        verbose_name=_("revision that addresses it"),
    )
    closed = models.DateTimeField(null=True, blank=True)
    overdue_emitted = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"]), models.Index(fields=["sop", "status"])]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")

    def __str__(self) -> str:
        return self.title


class StaleTraining(models.Model):
    """An activity trained a version that a major revision has since replaced."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="stale_flags")
    trained = models.ForeignKey(SOPVersion, on_delete=models.CASCADE, related_name="+")
    current = models.ForeignKey(SOPVersion, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "trained", "current"], name="unique_stale_flag"
            )
        ]
        verbose_name = _("stale training")
        verbose_name_plural = _("stale training")

    def __str__(self) -> str:
        return f"{self.activity}: {self.trained.number} -> {self.current.number}"


class CalendarFeed(models.Model):
    """The private token of a user's calendar feed (the URL is the credential)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=new_code)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed of {self.user}"
