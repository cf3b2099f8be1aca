"""Capacities in the admin. Assessments, scores and needs are read-only here (their
workflow is in ``capacity.services``); the framework and the registers save through
their services, so the admin is audited and permission-checked like the pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from capacity import services
from capacity.models import (
    Assessment,
    AssessmentComment,
    EquipmentDelivery,
    Indicator,
    Need,
    Regulation,
    Score,
)
from frontline.errors import ActionRefused
from frontline.modeladmin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin


class _AddByService(ServiceAdmin):
    def has_add_permission(self, request, obj=None):
        return request.user.is_staff

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_by_service(request, obj, form)
            obj.pk = saved.pk
        except ActionRefused as refused:
            request._service_refused = refused.message

    def response_add(self, request, obj, post_url_continue=None):
        refused = getattr(request, "_service_refused", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def log_addition(self, request, obj, message):
        if not getattr(request, "_service_refused", None):
            super().log_addition(request, obj, message)


@admin.register(Indicator)
class IndicatorAdmin(_AddByService):
    list_display = ["code", "title", "order", "retired"]
    list_filter = ["retired"]
    readonly_fields = ["retired"]
    actions = ["retire", "restore"]

    def save_by_service(self, request, obj, form):
        fields = {k: form.cleaned_data[k] for k in form.cleaned_data if k != "retired"}
        return services.indicator_save(by=request.user, indicator=obj if obj.pk else None, **fields)

    @admin.action(description=_("Retire the selected indicators (past scores are kept)"))
    def retire(self, request, queryset):
        for indicator in queryset:
            services.indicator_retire(by=request.user, indicator=indicator)

    @admin.action(description=_("Bring the selected indicators back"))
    def restore(self, request, queryset):
        for indicator in queryset:
            services.indicator_restore(by=request.user, indicator=indicator)


@admin.register(EquipmentDelivery)
class EquipmentDeliveryAdmin(_AddByService):
    list_display = ["item", "category", "quantity", "value_eur", "recipient", "date", "programme"]
    list_filter = ["category", "programme", "recipient__country"]
    search_fields = ["item", "recipient__name"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def save_by_service(self, request, obj, form):
        return services.delivery_record(by=request.user, **form.cleaned_data)


@admin.register(Regulation)
class RegulationAdmin(_AddByService):
    list_display = ["title_en", "title_original", "country", "kind", "date", "status"]
    list_filter = ["country", "kind", "status"]
    search_fields = ["title_en", "title_original"]
    autocomplete_fields = []

    def save_by_service(self, request, obj, form):
        data = dict(form.cleaned_data)
        sops, indicators = data.pop("sops", None), data.pop("indicators", None)
        return services.regulation_save(
            by=request.user, regulation=obj if obj.pk else None, sops=sops,
            indicators=indicators, **data,
        )  # fmt: skip


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = readonly_fields = ["indicator", "level", "justification"]
    show_change_link = False


class CommentInline(ReadOnlyInline):
    model = AssessmentComment
    fields = readonly_fields = ["author", "kind", "text", "created"]
    show_change_link = False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "scope", "year", "status", "tlp", "validated"]
    list_filter = ["status", "tlp", "year", "country"]
    list_select_related = ["country", "lead_agency"]
    inlines = [ScoreInline, CommentInline]

    def get_queryset(self, request):
        # The admin obeys TLP too: a RED assessment is for the people it names only.
        from capacity.selectors import visible_assessments

        return visible_assessments(request.user).select_related("country", "lead_agency")


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "priority", "status", "tlp", "assessment"]
    list_filter = ["kind", "status", "priority", "tlp"]

    def get_queryset(self, request):
        from capacity.selectors import visible_needs

        return visible_needs(request.user).select_related("assessment__country")
