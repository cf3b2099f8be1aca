"""Admin building blocks: the admin shows rows and changes them only through services.

An editable ModelAdmin would write around the services (their permission rule, audit
entry and events), so a model admin here is read-only, or saves by calling its service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from frontline.errors import ActionRefused


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Change pages whose save calls :meth:`save_by_service`; nothing is added or deleted here.

    A refusal of the service (the last-admin rule, say) is shown as an error and the page
    comes back unchanged: nothing was written, and no "changed" entry is logged.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.save_by_service(request, obj, form)
        except ActionRefused as refused:
            request._service_refused = refused.message

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields are the service's to save (in save_by_service); inlines of a
        ServiceAdmin are read-only, so saving their formsets writes nothing."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def log_change(self, request, obj, message):
        if not getattr(request, "_service_refused", None):
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        refused = getattr(request, "_service_refused", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
