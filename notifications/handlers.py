"""The outbox handler for SOP events: registered in ``NotificationsConfig.ready``."""

from notifications.services import event_fan_out


def on_sop_event(event) -> None:
    event_fan_out(event=event)
