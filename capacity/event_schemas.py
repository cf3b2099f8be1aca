"""The payloads of capacity events. Registered into ``events.schemas.EVENT_SCHEMAS`` by
``capacity.handlers.register_all`` (at app start), so ``event_emit`` checks them like the
others without the outbox importing this app."""

from __future__ import annotations

from typing import TypedDict


class AssessmentEvent(TypedDict):
    """An assessment moved: created, submitted, returned or validated."""

    assessment_id: int
    country: str
    year: int
    status: str
    tlp: str


class NeedEvent(TypedDict):
    need_id: int
    assessment_id: int
    status: str


class RegulationEvent(TypedDict):
    regulation_id: int
    country: str


CAPACITY_EVENT_SCHEMAS: dict[str, type] = {
    "assessment.created": AssessmentEvent,
    "assessment.changed": AssessmentEvent,
    "assessment.submitted": AssessmentEvent,
    "assessment.returned": AssessmentEvent,
    "assessment.validated": AssessmentEvent,
    "need.changed": NeedEvent,
    "regulation.changed": RegulationEvent,
}
