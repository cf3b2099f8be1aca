"""This web process's open tabs, reached by one channel-layer message per batch of pushes.

Sending each tab its message through its own ``user-<id>`` group costs the web process a
Redis message, a parse and a consumer dispatch per tab: delivering one notification to
1,000 tabs, that was most of daphne's time. Instead each web process joins the group
``notify-hosts`` once, through one channel of its own; ``push.push_now`` publishes what it
has for many users as a few batches of ``(user id, message)`` pairs, and the process hands
each message to the sockets of that user it holds, and to no one else.

The ``user-<id>`` groups stay: sign-out's ``force.disconnect`` goes through them, and so
does anything sent to one user's group directly.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict

log = logging.getLogger(__name__)

HOSTS_GROUP = "notify-hosts"
BATCH_TYPE = "notification.batch"
# The in-memory layer forgets group members after a day: rejoin well before.
REJOIN_EVERY = 3600.0


class Hub:
    """The sockets of one event loop (one daphne process) by user id."""

    def __init__(self, layer):
        self.layer = layer
        self.sockets: dict[int, set] = defaultdict(set)
        self.channel: str | None = None
        self._starting = asyncio.Lock()
        self._task: asyncio.Task | None = None

    async def join(self, user_id: int, consumer) -> None:
        """Deliver ``user_id``'s pushes to ``consumer`` from now on (awaited before accept)."""
        await self._start()
        self.sockets[user_id].add(consumer)

    def leave(self, user_id: int, consumer) -> None:
        held = self.sockets.get(user_id)
        if held is not None:
            held.discard(consumer)
            if not held:
                del self.sockets[user_id]

    async def _start(self) -> None:
        async with self._starting:
            if self._task is not None and not self._task.done():
                return
            self.channel = await self.layer.new_channel(prefix="notify-host.")
            await self.layer.group_add(HOSTS_GROUP, self.channel)
            self._task = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(self.channel), REJOIN_EVERY)
            except TimeoutError:
                await self.layer.group_add(HOSTS_GROUP, self.channel)
                continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer lost Redis: tabs catch up when they reconnect
                log.exception("the notification hub could not read its channel")
                await asyncio.sleep(1)
                continue
            if message.get("type") == BATCH_TYPE:
                await self.deliver(message.get("items") or ())

    async def deliver(self, items) -> None:
        for user_id, payload in items:
            for consumer in list(self.sockets.get(user_id, ())):
                try:
                    await consumer.send_json(payload)
                except Exception:  # a socket closing as we write: the others still get theirs
                    log.warning("a push to user %s's tab failed", user_id, exc_info=True)


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for(layer) -> Hub:
    """The hub of the running event loop (tests run several loops, daphne one)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = Hub(layer)
    return hub
