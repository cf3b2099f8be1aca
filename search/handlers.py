"""Outbox handler: say which documents an event affects and queue their update.

It runs inside the generic events task; the write itself happens in the ``search``
queue's one consumer (``search.tasks.index_documents``). Which events change which
documents, each type declares (``DocType.reindex_on`` in ``search.registry``). Who may
see what is decided at query time from the reader's memberships, so a membership change
needs no reindexing; an SOP's own visibility, partners or topics do (``sop.changed``).
"""

from __future__ import annotations

from events.models import Event
from search import registry


def reindex(event: Event) -> None:
    """The documents the event names, as the database holds them now (or none: deleted)."""
    from search.tasks import index_documents

    keys = [f"{t.name}:{event.payload[field]}" for t, field in registry.reindexed_by(event.kind)]
    if keys:
        index_documents.delay(keys)


# The paths earlier releases registered, one per type: a run the outbox recorded under
# one of them (unfinished at an upgrade) still resolves when it is retried.
sop_reindex = expert_reindex = activity_reindex = reindex
