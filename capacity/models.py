"""Capacities and needs: an indicator framework, assessments scored against it, the needs
they find and what met them, equipment delivered, and a register of national regulations.

Scores use the five levels of the WHO Joint External Evaluation / IHR self-assessment.
Assessments and needs carry a Traffic Light Protocol 2.0 label; who may see what is
decided in one place, ``capacity.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from network.models import Agency, Country, Language


class Level(models.IntegerChoices):
    """The five JEE levels, 1 (none) to 5 (sustainable)."""

    NONE = 1, _("No capacity")
    LIMITED = 2, _("Limited capacity")
    DEVELOPED = 3, _("Developed capacity")
    DEMONSTRATED = 4, _("Demonstrated capacity")
    SUSTAINABLE = 5, _("Sustainable capacity")


class TLP(models.TextChoices):
    """Traffic Light Protocol 2.0 labels, written as FIRST prescribes."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber_strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


TLP_MEANING = {
    TLP.CLEAR: _("Public: anyone may see it."),
    TLP.GREEN: _("The network: every vetted member."),
    TLP.AMBER: _("The assessed agencies and the agencies they name."),
    TLP.AMBER_STRICT: _("The assessed agencies only."),
    TLP.RED: _("The people named only."),
}


class Indicator(models.Model):
    """One capacity scored in an assessment. Retired, never deleted: past scores keep it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    level_1 = models.TextField(_("level 1: no capacity"))
    level_2 = models.TextField(_("level 2: limited capacity"))
    level_3 = models.TextField(_("level 3: developed capacity"))
    level_4 = models.TextField(_("level 4: demonstrated capacity"))
    level_5 = models.TextField(_("level 5: sustainable capacity"))
    retired = models.DateField(_("retired on"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.title

    def level_description(self, level: int) -> str:
        return getattr(self, f"level_{level}", "")

    @property
    def levels(self) -> list[tuple[int, str, str]]:
        return [(v, label, self.level_description(v)) for v, label in Level.choices]


class Assessment(models.Model):
    """A country (several agencies together) or one agency assessing itself for a year."""

    class Scope(models.TextChoices):
        COUNTRY = "country", _("Country (several agencies)")
        AGENCY = "agency", _("One agency")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for validation")
        RETURNED = "returned", _("Returned for changes")
        VALIDATED = "validated", _("Validated")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("country")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="led_assessments",
        verbose_name=_("lead agency"),
    )
    agencies = models.ManyToManyField(
        Agency, related_name="assessments", verbose_name=_("assessed agencies")
    )
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    tlp = models.CharField(_("sharing (TLP)"), max_length=12, choices=TLP.choices)
    # TLP:AMBER: the agencies the assessed ones name may see it too.
    partner_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="shared_assessments",
        verbose_name=_("agencies it is shared with (TLP:AMBER)"),
    )
    # TLP:RED: only these people.
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people it is shared with (TLP:RED)"),
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous year's assessment"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    submitted = models.DateTimeField(_("submitted"), null=True, blank=True)
    validated = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country__name", "-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year"],
                condition=Q(scope="country"),
                name="capacity_one_country_assessment_a_year",
            ),
            models.UniqueConstraint(
                fields=["lead_agency", "year"],
                condition=Q(scope="agency"),
                name="capacity_one_agency_assessment_a_year",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"]),
            models.Index(fields=["country", "year"]),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        who = self.country.name if self.scope == self.Scope.COUNTRY else str(self.lead_agency)
        return f"{who} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("capacity:assessment", args=[self.pk])


class AssessmentComment(models.Model):
    """What the reviewer or the assessed agencies wrote about an assessment."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        VALIDATED = "validated", _("Validated")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class Score(models.Model):
    """The level of one indicator in one assessment; None until it is scored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, null=True, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="unique_score"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="score_level_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.indicator.code}: {self.level}"


class Regulation(models.Model):
    """A national law or regulation relevant to front-line biosafety and biosecurity."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        BYLAW = "bylaw", _("By-law")
        DECREE = "decree", _("Decree")
        REGULATION = "regulation", _("Regulation")
        ORDER = "order", _("Order")
        GUIDELINE = "guideline", _("Guideline")
        STANDARD = "standard", _("Standard")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("regulation", "Draft")
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPEALED = "repealed", _("Repealed")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="regulations", verbose_name=_("country")
    )
    title_original = models.CharField(_("title in the original language"), max_length=400)
    title_en = models.CharField(_("title in English"), max_length=400)
    language = models.ForeignKey(
        Language, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("language")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    url = models.URLField(_("link"), blank=True, max_length=500)
    sops = models.ManyToManyField(
        "sops.SOP", blank=True, related_name="regulations", verbose_name=_("procedures")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="regulations", verbose_name=_("indicators")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country__name", "-date", "pk"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self) -> str:
        return self.title_en or self.title_original

    def get_absolute_url(self) -> str:
        return reverse("capacity:regulations") + f"?country={self.country_id}#regulation-{self.pk}"


class Evidence(models.Model):
    """What supports a score: an SOP, a regulation, an attachment or a web address."""

    class Kind(models.TextChoices):
        SOP = "sop", _("Procedure")
        REGULATION = "regulation", _("Regulation")
        ATTACHMENT = "attachment", _("Attachment")
        URL = "url", _("Web address")

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sop = models.ForeignKey("sops.SOP", null=True, blank=True, on_delete=models.CASCADE)
    regulation = models.ForeignKey(Regulation, null=True, blank=True, on_delete=models.CASCADE)
    attachment = models.ForeignKey(
        "sops.Attachment", null=True, blank=True, on_delete=models.CASCADE
    )
    url = models.URLField(_("web address"), blank=True, max_length=500)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="sop", sop__isnull=False)
                    | Q(kind="regulation", regulation__isnull=False)
                    | Q(kind="attachment", attachment__isnull=False)
                    | (Q(kind="url") & ~Q(url=""))
                ),
                name="evidence_has_its_target",
            )
        ]

    def __str__(self) -> str:
        return self.label or str(self.sop or self.regulation or self.attachment or self.url)

    @property
    def target(self):
        return self.sop or self.regulation or self.attachment or self.url


class EquipmentDelivery(models.Model):
    """Equipment the programme provided to an agency."""

    class Category(models.TextChoices):
        RT_PCR = "rt_pcr", _("RT-PCR machines")
        SEQUENCER = "sequencer", _("Genome sequencers")
        CABINET_TESTING = "cabinet_testing", _("Safety-cabinet testing kits")
        ISOLATOR = "isolator", _("Flexible-film isolators")
        PPE = "ppe", _("Personal protective equipment")
        DIAGNOSTIC = "diagnostic", _("Diagnostic kits")
        DECONTAMINATION = "decontamination", _("Decontamination equipment")
        OTHER = "other", _("Other")

    item = models.CharField(_("item"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    value_eur = models.DecimalField(_("value (EUR)"), max_digits=12, decimal_places=2)
    recipient = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("recipient")
    )
    date = models.DateField(_("date"))
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["recipient", "date"])]
        verbose_name = _("equipment delivery")
        verbose_name_plural = _("equipment deliveries")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item} → {self.recipient}"


class Need(models.Model):
    """A gap an assessment found, and what (recorded on the platform) met it."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        TRAINING = "training", _("Training")
        LEGAL = "legal", _("Legal")
        PROCEDURE = "procedure", _("Procedure")
        STAFFING = "staffing", _("Staffing")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        PLANNED = "planned", _("Planned")
        MET = "met", _("Met")
        DROPPED = "dropped", _("Dropped")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("need"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IDENTIFIED
    )
    tlp = models.CharField(_("sharing (TLP)"), max_length=12, choices=TLP.choices)
    # What met it: exactly one of these when the status is "met".
    met_by_delivery = models.ForeignKey(
        EquipmentDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    met_by_sop = models.ForeignKey(
        "sops.SOP", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_by_regulation = models.ForeignKey(
        Regulation, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    # Anything else on the platform (a training of the trainings app, ...).
    met_by_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_by_id = models.PositiveBigIntegerField(null=True, blank=True)
    met_by_object = GenericForeignKey("met_by_type", "met_by_id")
    met_note = models.CharField(_("how it was met"), max_length=300, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title

    @property
    def met_by(self):
        """The object that met the need, whichever kind it is."""
        return (
            self.met_by_delivery
            or self.met_by_sop
            or self.met_by_regulation
            or (self.met_by_object if self.met_by_type_id else None)
        )
