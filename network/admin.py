from django.contrib import admin

from frontline.modeladmin import ReadOnlyInline, ServiceAdmin
from network import services
from network.models import Agency, Country, Expert, Language, Membership, Region, Topic


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "country", "kind"]
    list_filter = ["kind", "country__region", "country"]
    search_fields = ["name", "acronym", "code"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "expert"
    fields = readonly_fields = ["agency", "role", "status", "requested", "decided", "decided_by"]


@admin.register(Expert)
class ExpertAdmin(ServiceAdmin):
    """Profiles are saved by ``expert_update_profile`` (its ``expert.updated`` event
    reindexes the expert for search); memberships are shown, changed on their own page."""

    list_display = ["full_name", "position", "country", "is_trainer"]
    list_filter = ["is_trainer", "country__region", "country"]
    search_fields = ["full_name", "user__username", "user__email"]
    fields = [
        "user",
        "full_name",
        "position",
        "bio",
        "country",
        "is_trainer",
        "phone",
        "contact_visibility",
        "timezone",
        "languages",
        "topics",
    ]
    readonly_fields = ["user"]
    filter_horizontal = ["languages", "topics"]
    inlines = [MembershipInline]

    def save_by_service(self, request, obj, form):
        data = form.cleaned_data
        services.expert_update_profile(
            expert=obj,
            by=request.user,
            languages=data["languages"],
            topics=data["topics"],
            **{name: data[name] for name in services.PROFILE_FIELDS if name in data},
        )


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """Only the role changes here, through ``membership_set_role`` (last-admin rule, audit
    entry); vetting goes through the agency page, where its events are recorded."""

    list_display = ["expert", "agency", "role", "status", "requested", "decided"]
    list_filter = ["status", "role"]
    search_fields = ["expert__full_name", "agency__name"]
    fields = ["expert", "agency", "role", "status", "requested", "decided", "decided_by", "reason"]
    readonly_fields = ["expert", "agency", "status", "requested", "decided", "decided_by", "reason"]

    def save_by_service(self, request, obj, form):
        if "role" in form.changed_data:
            services.membership_set_role(
                membership=obj, role=form.cleaned_data["role"], by=request.user
            )
