"""The network: where agencies are, who works in them, and what each expert knows."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Region(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        # Reference data: the demo's names are in the catalogue (network/demo.py).
        return gettext(self.name) if self.name else ""

    def get_absolute_url(self) -> str:
        return reverse("network:region", args=[self.code])


class Country(models.Model):
    code = models.CharField(_("ISO 3166 code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        # Reference data: the demo's names are in the catalogue (network/demo.py).
        return gettext(self.name) if self.name else ""

    def get_absolute_url(self) -> str:
        return reverse("network:country", args=[self.code])


class Language(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        # Reference data: the demo's names are in the catalogue (network/demo.py).
        return gettext(self.name) if self.name else ""


class Topic(models.Model):
    """A CBRN area (crisis management, detection and sampling, ...) or a category (C, B, R, N)."""

    class Kind(models.TextChoices):
        AREA = "area", _("CBRN area")
        CATEGORY = "category", _("CBRN category")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AREA)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        # Reference data: the demo's names are in the catalogue (network/demo.py).
        return gettext(self.name) if self.name else ""


class Agency(models.Model):
    class Kind(models.TextChoices):
        BORDER_POLICE = "border_police", _("Border police")
        CUSTOMS = "customs", _("Customs")
        PUBLIC_HEALTH = "public_health", _("Public health")
        VETERINARY = "veterinary", _("Veterinary / phytosanitary")
        LABORATORY = "laboratory", _("Laboratory")
        CIVIL_PROTECTION = "civil_protection", _("Civil protection")
        MINISTRY = "ministry", _("Ministry")
        INTERNATIONAL = "international", _("EU or international body")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("network:agency", args=[self.code])


class Expert(models.Model):
    """One per user: what the network knows of a person."""

    class ContactVisibility(models.TextChoices):
        NETWORK = "network", _("Every vetted member of the network")
        AGENCY = "agency", _("Colleagues in my agencies only")
        PRIVATE = "private", _("Nobody (platform staff only)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="experts"
    )
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    is_trainer = models.BooleanField(_("trainer (train-the-trainer)"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_visibility = models.CharField(
        _("who sees my e-mail and phone"),
        max_length=10,
        choices=ContactVisibility.choices,
        # Colleagues only until the expert chooses wider: sign-up says so.
        default=ContactVisibility.AGENCY,
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIMEZONE_CHOICES,
        default="UTC",
        help_text=_("Times are shown in this zone, and the daily digest comes at 06:00 in it."),
    )
    # Empty: not chosen yet, the browser's language (Accept-Language) decides pages and
    # the site's default language decides mails.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("Pages, e-mails, digests and notifications are shown in this language."),
    )
    # Set when the owner opened the signed link mailed at sign-up; vetting waits for it.
    email_verified = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        # The directory's order: its first page is read off the index, not a sort of
        # every expert (20 of its 23 ms of SQL at 10,000 experts).
        indexes = [models.Index(fields=["full_name", "id"], name="expert_directory_order")]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("network:expert", args=[self.pk])

    @property
    def email(self) -> str:
        return self.user.email


class Membership(models.Model):
    """An expert in an agency. A pending membership is a request to join, awaiting vetting."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        EDITOR = "editor", _("Editor")
        PUBLISHER = "publisher", _("Publisher")
        ADMIN = "admin", pgettext_lazy("agency role", "Admin")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        # Offboarding: an admin removed an approved member, or the member left.
        REMOVED = "removed", _("Removed")
        LEFT = "left", _("Left")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested = models.DateTimeField(_("requested"), auto_now_add=True)
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["agency__name", "expert__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "agency"], name="unique_membership")
        ]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.expert} in {self.agency} ({self.role}, {self.status})"
