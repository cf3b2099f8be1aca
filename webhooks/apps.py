from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Events about an agency's procedures that its systems hear of.
WEBHOOK_EVENTS = (
    "sop.published",
    "sop.withdrawn",
    "sop.review_due",
    "sop.adapted",
    "sop.took_effect",
    "sop.acknowledgement_overdue",
)


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from events.registry import register
        from webhooks.handlers import webhooks_enqueue

        for kind in WEBHOOK_EVENTS:
            register(kind, webhooks_enqueue)
