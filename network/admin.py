from django.contrib import admin

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "expert"
    autocomplete_fields = ["agency"]
    readonly_fields = ["status", "requested", "decided", "decided_by", "reason"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "country", "is_trainer"]
    list_filter = ["is_trainer", "country__region", "country"]
    search_fields = ["full_name", "user__username", "user__email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Vetting goes through the agency page so events are recorded; here it is read-only."""

    list_display = ["expert", "agency", "role", "status", "requested", "decided"]
    list_filter = ["status", "role"]
    search_fields = ["expert__full_name", "agency__name"]
    readonly_fields = ["status", "decided", "decided_by", "reason"]
