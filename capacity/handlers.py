"""Outbox handlers of capacity events, registered at app start (``CapacityConfig.ready``)."""

from __future__ import annotations

from events.models import Event
from search.handlers import reindex


def on_assessment_validated(event: Event) -> None:
    from capacity.notices import assessment_validated_notify

    assessment_validated_notify(event=event)


def register_all() -> None:
    """Reindexing is declared with the search documents (``capacity/search_documents.py``)."""
    from capacity.event_schemas import CAPACITY_EVENT_SCHEMAS
    from events.registry import register
    from events.schemas import EVENT_SCHEMAS

    EVENT_SCHEMAS.update(CAPACITY_EVENT_SCHEMAS)
    register("assessment.validated", on_assessment_validated)


# The paths earlier releases registered for reindexing: a run the outbox recorded under
# one of them (unfinished at an upgrade) still resolves when it is retried.
assessment_reindex = regulation_reindex = reindex
