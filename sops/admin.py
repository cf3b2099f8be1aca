"""Procedures in the admin: for looking, not for changing.

Every change to a procedure goes through sops.services (permission checks, workflow,
events). The admin would bypass all of it, so SOPs, versions, attachments and
acknowledgements are read-only here; a published version cannot be changed from here.
"""

from django.contrib import admin

from frontline.modeladmin import ReadOnlyAdmin, ReadOnlyInline
from sops.models import SOP, Acknowledgement, Attachment, SOPVersion


class VersionInline(ReadOnlyInline):
    model = SOPVersion
    fk_name = "sop"
    fields = readonly_fields = [
        "major",
        "minor",
        "status",
        "change_kind",
        "change_summary",
        "published",
    ]


@admin.register(SOP)
class SOPAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "agency", "visibility", "language", "current_version"]
    list_filter = ["visibility", "language", "agency__country"]
    search_fields = ["reference", "title", "agency__name", "agency__acronym"]
    list_select_related = ["agency", "language", "current_version", "current_version__sop"]
    inlines = [VersionInline]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = ["name", "content_type", "size", "sha256", "uploaded_by", "created"]


@admin.register(SOPVersion)
class SOPVersionAdmin(ReadOnlyAdmin):
    list_display = ["sop", "title", "major", "minor", "status", "change_kind", "published"]
    list_filter = ["status", "change_kind"]
    search_fields = ["sop__reference", "title"]
    list_select_related = ["sop"]
    inlines = [AttachmentInline]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["version", "user", "created"]
    list_select_related = ["version__sop", "user"]
