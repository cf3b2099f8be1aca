"""Outbox handlers: say which documents an event affects and queue their update.

They run inside the generic events task; the write itself happens in the ``search``
queue's one consumer (``search.tasks.index_documents``). Who may see what is decided
at query time from the reader's memberships, so a membership change needs no
reindexing; an SOP's own visibility, partners or topics do (``sop.changed``).
"""

from __future__ import annotations

from events.models import Event


def _queue(keys: list[str]) -> None:
    from search.tasks import index_documents

    index_documents.delay(keys)


def sop_reindex(event: Event) -> None:
    """sop.published, sop.took_effect, sop.withdrawn, sop.changed: the SOP's current version (or none)."""
    _queue([f"sop:{event.payload['sop_id']}"])


def expert_reindex(event: Event) -> None:
    """expert.joined, .updated, .left: an expert becomes findable, changed, or may drop out."""
    _queue([f"expert:{event.payload['expert_id']}"])


def activity_reindex(event: Event) -> None:
    """activity.published, .changed, .cancelled: the activity as it is now."""
    _queue([f"activity:{event.payload['activity_id']}"])


# sop.adapted is not handled: an adaptation is a draft, indexed when it is published.
HANDLERS = {
    "sop.published": sop_reindex,
    "sop.withdrawn": sop_reindex,
    "sop.took_effect": sop_reindex,
    "sop.changed": sop_reindex,
    "expert.joined": expert_reindex,
    "expert.updated": expert_reindex,
    "expert.left": expert_reindex,
    "activity.published": activity_reindex,
    "activity.changed": activity_reindex,
    "activity.cancelled": activity_reindex,
}
