from django.contrib import admin

from frontline.modeladmin import ReadOnlyAdmin
from notifications.models import Mail, Notification, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    """Read-only: people follow and unfollow themselves (notifications.services), where
    the rule that only vetted members follow, and only what they may see, is kept."""

    list_display = ["user", "kind", "level", "in_app", "email_now", "digest", "updated"]
    list_filter = ["kind", "level", "email_now", "digest"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user", "sop", "agency", "topic", "country", "region", "expert"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are made by the fan-out, never by hand."""

    list_display = ["id", "recipient", "kind", "title", "created", "read"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "title"]
    raw_id_fields = ["recipient", "event", "sop", "subscription", "digest_mail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "day", "created", "sent_at", "attempts"]
    list_filter = ["kind"]
    readonly_fields = [
        "user",
        "kind",
        "notification",
        "day",
        "created",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False
