"""Delivery to open browser tabs over the channel layer. Only ever called after commit.

New notifications and unread counts go out as batches to every web process's hub
(``notifications.hub``), which hands each to the tabs of its user that the process
holds: a thousand tabs cost a few channel-layer messages, not a thousand. Each user's
tabs also sit in the group ``user-<id>``, which carries everything else (sign-out's
disconnect). A failed push loses nothing: the row is in the database and the tab's
catch-up on reconnect fetches it.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from notifications.hub import BATCH_TYPE, HOSTS_GROUP
from notifications.models import Notification

log = logging.getLogger(__name__)
BATCH = 200
# Pairs per hub message: 500 notifications are about 150 KB of msgpack.
HUB_BATCH = 500
# What the hubs deliver; the consumer's handlers of the same types serve direct sends.
HUB_TYPES = frozenset({"notification.new", "notification.unread"})


def group_name(user_id: int) -> str:
    return f"user-{user_id}"


def notification_as_dict(n: Notification) -> dict:
    """What a tab receives; the words in the active language (the caller's override)."""
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.display_title,
        "text": n.display_text,
        "link": n.link,
        "created": n.created.isoformat(),
        "read": n.read is not None,
    }


def message_unread(unread: int) -> dict:
    return {"type": "notification.unread", "unread": unread}


# The consumer answers this by leaving the group and closing (code 4401): the tab's
# client reconnects, and a session that was signed out is then refused (4403).
FORCE_DISCONNECT = {"type": "force.disconnect"}


async def _send_all(layer, messages: list[tuple[int, dict]]) -> int:
    batched = [(uid, msg) for uid, msg in messages if msg.get("type") in HUB_TYPES]
    for i in range(0, len(batched), HUB_BATCH):
        items = [list(pair) for pair in batched[i : i + HUB_BATCH]]
        await layer.group_send(HOSTS_GROUP, {"type": BATCH_TYPE, "items": items})
    # The rest (sign-out's disconnect) goes to each user's group.
    messages = [(uid, msg) for uid, msg in messages if msg.get("type") not in HUB_TYPES]
    failed = 0
    for i in range(0, len(messages), BATCH):
        batch = messages[i : i + BATCH]
        results = await asyncio.gather(
            *(layer.group_send(group_name(uid), msg) for uid, msg in batch),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                failed += 1
                log.warning("push failed: %r", result)
    return failed


def push_now(messages: list[tuple[int, dict]]) -> int:
    """Send ``(user_id, message)`` pairs to those users' tabs. Returns how many failed.

    Named ``_now`` because it sends at once: call it from ``transaction.on_commit``.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return 0
    try:
        return async_to_sync(_send_all)(layer, messages)
    except Exception:
        log.exception("pushing %d notification messages failed", len(messages))
        return len(messages)


def sockets_close_now(user_id: int) -> int:
    """Close every open socket of this user (signed out, password changed, removed).

    Named ``_now`` like ``push_now``: from a service, call it in ``transaction.on_commit``.
    """
    return push_now([(user_id, FORCE_DISCONNECT)])
