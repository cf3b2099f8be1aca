from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from events.registry import register
        from notifications.handlers import (
            on_expert_joined,
            on_sop_event,
            on_translation_behind,
        )
        from notifications.services import SOP_EVENTS

        for kind in SOP_EVENTS:
            register(kind, on_sop_event)
        register("expert.joined", on_expert_joined)
        register("sop.translation_behind", on_translation_behind)
