"""The WebSocket consumer: it authenticates, joins ``user-<id>`` and this process's hub
(``notifications.hub``), and delivers. Nothing else.

It changes no domain data: marking read goes through HTTP views and services, which
push the new unread count back here to every tab of that user.
"""

from __future__ import annotations

import json
import math

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from frontline.second_factor import session_passed_second_factor
from network.permissions import is_vetted
from network.preferences import delivery_language, language_of
from notifications import push, selectors
from notifications.hub import hub_for

# Notification ids are PostgreSQL bigints: a larger last_id would fail in the query.
MAX_ID = 2**63 - 1


@database_sync_to_async
def _admission(user, session) -> str | None:
    """The reader's language if this user may connect, else None: one trip to the
    database thread, which all sockets share (a thousand tabs reconnect at once)."""
    if not (is_vetted(user) and session_passed_second_factor(user, session)):
        return None
    return delivery_language(language_of(user))


@database_sync_to_async
def _unread(user) -> int:
    return selectors.unread_count(user=user)


@database_sync_to_async
def _catch_up(user, last_id: int, since, language: str) -> tuple[list[dict], int]:
    items = selectors.notifications_after(user=user, last_id=last_id, since=since)
    with translation.override(language):
        items = [push.notification_as_dict(n) for n in items]
    return items, selectors.unread_count(user=user)


# Messages from the channel layer that touch no database.
PUSHED = frozenset({"notification.new", "notification.unread", "force.disconnect"})


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def dispatch(self, message):
        """Pushes go straight to their handler. Channels' own dispatch first hops to a
        thread to close stale database connections, for every message: that was half of
        daphne's time delivering one notification to 1,000 tabs. What reads the database
        here goes through ``database_sync_to_async``, which closes them itself."""
        if message.get("type") in PUSHED:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def connect(self):
        user = self.scope.get("user")
        language = None
        if user is not None and user.is_authenticated:
            language = await _admission(user, self.scope.get("session"))
        if language is None:
            await self.close(code=4403)
            return
        self.user = user
        # The tab's reader's language, for what this socket writes (catch-up, errors).
        self.language = language
        self.group = push.group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await hub_for(self.channel_layer).join(user.pk, self)
        await self.accept()
        await self.send_json(push.message_unread(await _unread(user)))

    def _leave_hub(self) -> None:
        if self.group:
            hub_for(self.channel_layer).leave(self.user.pk, self)

    async def disconnect(self, code):
        if self.group:
            self._leave_hub()
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """A frame that is not a JSON text gets an error frame; the socket stays open."""
        if text_data is None:
            await self._refuse(_("Send text frames holding JSON, not binary ones."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._refuse(_("That frame is not JSON."))
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "catch_up":
            await self._refuse(_('The only message understood is {"type": "catch_up", ...}.'))
            return
        last_id = _last_id(content.get("last_id"))
        if last_id is None:
            await self._refuse(_("last_id must be a notification id (a whole number)."))
            return
        try:
            since = parse_datetime(str(content.get("since") or "")) if not last_id else None
        except ValueError:  # well formed but not a date, e.g. month 13
            since = None
        items, unread = await _catch_up(self.user, last_id, since, self.language)
        await self.send_json(
            {"type": "notification.catch_up", "notifications": items, "unread": unread}
        )

    async def _refuse(self, message) -> None:
        with translation.override(getattr(self, "language", None)):
            message = str(message)
        await self.send_json({"type": "error", "message": message})

    async def notification_new(self, message):
        await self.send_json(message)

    async def notification_unread(self, message):
        await self.send_json(message)

    async def force_disconnect(self, message):
        """Signed out, password changed or removed from an agency: deliver nothing more."""
        if self.group:
            self._leave_hub()
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
        await self.close(code=4401)
        raise StopConsumer()


def _last_id(value) -> int | None:
    """The id a catch-up names (0 when absent), or None when it is no usable id."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return max(number, 0) if number <= MAX_ID else None
