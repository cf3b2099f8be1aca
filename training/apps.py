from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Events about activities that followers hear of and agencies' systems receive.
TRAINING_EVENTS = (
    "activity.published",
    "activity.changed",
    "activity.cancelled",
    "registration.confirmed",
    "action.overdue",
    "training.stale",
)


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Trainings and exercises")

    def ready(self) -> None:
        from events.registry import register
        from training import handlers
        from webhooks.handlers import webhooks_enqueue

        for kind in TRAINING_EVENTS:
            register(kind, handlers.on_training_event)
            register(kind, webhooks_enqueue)
        # A revision published: close the change requests it addresses, flag stale training.
        register("sop.published", handlers.on_sop_published)
        register("sop.took_effect", handlers.on_sop_published)
