"""Trainings and exercises in the admin: for looking; changes go through training.services."""

from django.contrib import admin

from frontline.modeladmin import ReadOnlyAdmin, ReadOnlyInline
from training.models import (
    Activity,
    AfterActionReport,
    Certificate,
    CorrectiveAction,
    Observation,
    Registration,
    StaleTraining,
    TrainerQualification,
)


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = readonly_fields = ["expert", "status", "agency", "created"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "scope", "starts", "ends", "organiser", "status"]
    list_filter = ["kind", "scope", "status", "organiser__country"]
    search_fields = ["title", "place", "organiser__name", "organiser__acronym"]
    list_select_related = ["organiser"]
    date_hierarchy = "starts"
    inlines = [RegistrationInline]


@admin.register(TrainerQualification)
class TrainerQualificationAdmin(ReadOnlyAdmin):
    list_display = ["expert", "topic", "qualified_on", "course"]
    list_select_related = ["expert", "topic", "course"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["registration", "issued"]


class ObservationInline(ReadOnlyInline):
    model = Observation
    fields = readonly_fields = ["capability", "kind", "text"]


@admin.register(AfterActionReport)
class AfterActionReportAdmin(ReadOnlyAdmin):
    list_display = ["activity", "status", "shared_with_network", "updated"]
    inlines = [ObservationInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "due", "status", "sop", "addressed_by"]
    list_filter = ["status"]
    list_select_related = ["owner", "sop", "addressed_by"]


@admin.register(StaleTraining)
class StaleTrainingAdmin(ReadOnlyAdmin):
    list_display = ["activity", "trained", "current", "created"]
