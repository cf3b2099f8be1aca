"""Outbox handlers of capacity events, registered at app start (``CapacityConfig.ready``)."""

from __future__ import annotations

from events.models import Event


def on_assessment_validated(event: Event) -> None:
    from capacity.notices import assessment_validated_notify

    assessment_validated_notify(event=event)


def _queue(keys: list[str]) -> None:
    from search.tasks import index_documents

    index_documents.delay(keys)


def assessment_reindex(event: Event) -> None:
    """A validated assessment enters search; any other move may take one out."""
    _queue([f"assessment:{event.payload['assessment_id']}"])


def regulation_reindex(event: Event) -> None:
    _queue([f"regulation:{event.payload['regulation_id']}"])


def register_all() -> None:
    from capacity import search_documents
    from capacity.event_schemas import CAPACITY_EVENT_SCHEMAS
    from events.registry import register
    from events.schemas import EVENT_SCHEMAS

    EVENT_SCHEMAS.update(CAPACITY_EVENT_SCHEMAS)
    register("assessment.validated", on_assessment_validated)
    for kind in ("assessment.validated", "assessment.changed", "assessment.returned"):
        register(kind, assessment_reindex)
    register("regulation.changed", regulation_reindex)
    search_documents.register()
