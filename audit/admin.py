from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is appended by services, never edited by hand."""

    list_display = ["created", "actor_name", "action", "agency", "target"]
    list_filter = ["action", "agency"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "created"
    readonly_fields = ["created", "actor", "actor_name", "action", "agency", "target", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
