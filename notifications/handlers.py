"""The outbox handlers of notifications: registered in ``NotificationsConfig.ready``."""

from notifications.membership_notices import membership_approved_notify
from notifications.services import event_fan_out
from notifications.translation_notices import translation_behind_notify


def on_sop_event(event) -> None:
    event_fan_out(event=event)


def on_expert_joined(event) -> None:
    membership_approved_notify(event=event)


def on_translation_behind(event) -> None:
    translation_behind_notify(event=event)
