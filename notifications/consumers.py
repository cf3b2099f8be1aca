"""The WebSocket consumer: it authenticates, joins ``user-<id>`` and delivers. Nothing else.

It changes no domain data: marking read goes through HTTP views and services, which
push the new unread count back here to every tab of that user.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.dateparse import parse_datetime

from frontline.second_factor import session_passed_second_factor
from network.permissions import is_vetted
from notifications import push, selectors


@database_sync_to_async
def _may_connect(user, session) -> bool:
    return is_vetted(user) and session_passed_second_factor(user, session)


@database_sync_to_async
def _unread(user) -> int:
    return selectors.unread_count(user=user)


@database_sync_to_async
def _catch_up(user, last_id: int, since) -> tuple[list[dict], int]:
    items = selectors.notifications_after(user=user, last_id=last_id, since=since)
    return [push.notification_as_dict(n) for n in items], selectors.unread_count(user=user)


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if (
            user is None
            or not user.is_authenticated
            or not await _may_connect(user, self.scope.get("session"))
        ):
            await self.close(code=4403)
            return
        self.user = user
        self.group = push.group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(push.message_unread(await _unread(user)))

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "catch_up":
            return
        try:
            last_id = max(int(content.get("last_id") or 0), 0)
        except (TypeError, ValueError):
            return
        since = parse_datetime(str(content.get("since") or "")) if not last_id else None
        items, unread = await _catch_up(self.user, last_id, since)
        await self.send_json(
            {"type": "notification.catch_up", "notifications": items, "unread": unread}
        )

    async def notification_new(self, message):
        await self.send_json(message)

    async def notification_unread(self, message):
        await self.send_json(message)

    async def force_disconnect(self, message):
        """Signed out, password changed or removed from an agency: deliver nothing more."""
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
        await self.close(code=4401)
        raise StopConsumer()
