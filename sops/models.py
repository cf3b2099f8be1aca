"""Procedures and their versions. A published version is an immutable snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontline.text import validate_single_line
from network.models import Agency, Country, Language, Topic
from sops.limits import validate_body


class SOP(models.Model):
    """A standard operating procedure of one agency; its text lives in its versions."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone")
        NETWORK = "network", _("Network: vetted members")
        AGENCY = "agency", _("Agency: this agency and the partners it names")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sops")
    reference = models.CharField(
        _("reference code"), max_length=60, validators=[validate_single_line]
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="sops", verbose_name=_("topics and CBRN categories")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="sops", verbose_name=_("applies in")
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    partner_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="partner_sops",
        verbose_name=_("partner agencies that may see it"),
    )
    adapted_from = models.ForeignKey(
        "SOPVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
        verbose_name=_("adapted from"),
    )
    # A translation of another SOP of the same agency, in another language, with its own
    # versions and approval. One level only: a source is never itself a translation, and a
    # source has at most one translation per language. Set by sops.services.translations.
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    # The version readers see: the latest published one (None until the first publish,
    # and after a withdrawal). Kept by sops.services, never by hand.
    current_version = models.ForeignKey(
        "SOPVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reference"], name="unique_sop_reference"),
            # Same agency, other language and no chains are checked by the service (they
            # compare two rows); what one row can say, the database says.
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=Q(translation_of__isnull=False),
                name="unique_translation_language",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("pk")), name="translation_not_of_itself"
            ),
        ]
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("sops:detail", args=[self.pk])


class SOPVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        # Approved with an effective date still to come: the previous version stays in
        # force until then (sops.selectors.in_force decides from the dates).
        SCHEDULED = "scheduled", _("Approved, not yet in force")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ChangeKind(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial (wording, no change in practice)")
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major (staff must acknowledge)")

    sop = models.ForeignKey(SOP, on_delete=models.CASCADE, related_name="versions")
    # Set when the version is published: 1.0 first, then by the change kind.
    major = models.PositiveIntegerField(null=True, blank=True)
    minor = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    body = models.TextField(_("text (Markdown)"), validators=[validate_body])
    # The sanitised HTML and contents of a published version, made once by
    # sops.rendering (its text never changes); None for drafts.
    rendered = models.JSONField(null=True, blank=True, editable=False)
    change_summary = models.TextField(_("change summary"), blank=True)
    change_kind = models.CharField(
        _("change kind"), max_length=10, choices=ChangeKind.choices, default=ChangeKind.MINOR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A version of a translation: the source's version whose text it renders. Set when
    # it is approved (default: the source's version in force then); "behind the source"
    # is read from it (sops.translations).
    translated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translated from"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A major revision: the date by which the agency's members must acknowledge it.
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    returned_reason = models.TextField(_("returned with"), blank=True)
    withdrawn_reason = models.TextField(_("withdrawn because"), blank=True)
    # Bumped on every save of a draft: a form or API call holding an older value is stale.
    edit_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted = models.DateTimeField(null=True, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    withdrawn = models.DateTimeField(null=True, blank=True)
    # The last review reminder sent (30 days before, on the day, then weekly).
    review_reminded = models.DateTimeField(null=True, blank=True)
    reviewed = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    took_effect = models.DateTimeField(null=True, blank=True)
    acknowledgement_overdue_emitted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sop", "-major", "-minor", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["sop", "major", "minor"],
                condition=Q(major__isnull=False),
                name="unique_version_number",
            )
        ]
        indexes = [
            models.Index(fields=["status", "review_due"]),
            # "Has this SOP readable text / an open draft?" from the index alone: lists ask
            # it of every visible SOP, and the table's rows carry the whole body.
            models.Index(fields=["sop", "status"], name="sopversion_sop_status"),
            # Home's "what do I still owe?" starts from the major revisions: a few of the
            # library's versions, which without this it found by reading all of them.
            models.Index(
                fields=["sop", "major", "minor"],
                condition=Q(change_kind="major", major__isnull=False),
                name="sopversion_major_revisions",
            ),
        ]
        verbose_name = _("SOP version")
        verbose_name_plural = _("SOP versions")

    def __str__(self) -> str:
        return f"{self.sop.reference} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("sops:version", args=[self.sop_id, self.pk])

    @property
    def number(self) -> str:
        if self.major is None:
            return str(_("draft"))
        return f"{self.major}.{self.minor}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Acknowledgement(models.Model):
    """A person read and understood a version. Once per person and version."""

    version = models.ForeignKey(
        SOPVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="unique_acknowledgement")
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


class AcknowledgementReminder(models.Model):
    """A reminder to acknowledge a major revision, sent to a person once per stage."""

    class Stage(models.TextChoices):
        HALF = "half", _("Half-time")
        DUE = "due", _("Due date")

    version = models.ForeignKey(SOPVersion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user", "stage"], name="unique_acknowledgement_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} reminded of {self.version} ({self.stage})"


class AgencyPolicy(models.Model):
    """How an agency runs its procedures. No row means the defaults."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="sop_policy")
    # Four eyes: whoever wrote or last edited a draft may not be the one who publishes it.
    four_eyes = models.BooleanField(
        _("four eyes: authors cannot publish their own drafts"), default=True
    )
    acknowledge_days = models.PositiveIntegerField(
        _("days to acknowledge a major revision"), default=14
    )

    def __str__(self) -> str:
        return f"{self.agency} procedure rules"

    @classmethod
    def for_agency(cls, agency_id: int) -> AgencyPolicy:
        """The agency's row, or the defaults (four eyes from ``FRONTLINE_FOUR_EYES_DEFAULT``)."""
        found = cls.objects.filter(agency_id=agency_id).first()
        return found or cls(agency_id=agency_id, four_eyes=settings.FRONTLINE_FOUR_EYES_DEFAULT)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"sops/{instance.version.sop_id}/{instance.version_id}/{instance.sha256[:16]}-{filename}"


class Attachment(models.Model):
    version = models.ForeignKey(SOPVersion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sops:attachment", args=[self.pk])
