from django.contrib import admin

from events.models import Event, HandlerRun


class HandlerRunInline(admin.TabularInline):
    model = HandlerRun
    extra = 0
    readonly_fields = ["handler", "claimed", "finished", "attempts", "last_error"]
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "target", "actor", "created", "dispatched"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "actor", "target", "payload", "created", "dispatched"]
    inlines = [HandlerRunInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
