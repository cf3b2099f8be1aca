"""One typed definition per event kind: the payload each kind carries.

``emit`` refuses a payload that lacks a required key, so a handler can rely on them.
"""

from __future__ import annotations

from typing import TypedDict, get_type_hints


class ExpertJoined(TypedDict):
    expert_id: int
    agency_id: int
    membership_id: int


class ExpertUpdated(TypedDict):
    """An expert edited their profile: what the directory and search show may differ."""

    expert_id: int


class ExpertLeft(TypedDict):
    """A membership ended (removed by an admin or left): what the expert may see shrank."""

    expert_id: int
    agency_id: int
    membership_id: int
    status: str


class SOPPublished(TypedDict):
    sop_id: int
    version_id: int
    agency_id: int
    number: str
    change_kind: str
    previous_version_id: int | None
    effective_date: str
    # True: "approved, in force from effective_date"; sop.took_effect follows on the day.
    scheduled: bool
    acknowledge_by: str | None


class SOPTookEffect(TypedDict):
    """An approved version reached its effective date and replaced the one in force."""

    sop_id: int
    version_id: int
    agency_id: int
    number: str
    change_kind: str
    previous_version_id: int | None
    effective_date: str
    acknowledge_by: str | None


class SOPSubmitted(TypedDict):
    sop_id: int
    version_id: int
    agency_id: int


class SOPReturned(TypedDict):
    sop_id: int
    version_id: int
    agency_id: int
    reason: str


class SOPReviewed(TypedDict):
    """Reviewed with no change: only the next review date moved."""

    sop_id: int
    version_id: int
    agency_id: int
    review_due: str
    previous_review_due: str | None


class SOPAcknowledgementReminder(TypedDict):
    """Remind these members (once per stage: "half" or "due") to acknowledge a major revision."""

    sop_id: int
    version_id: int
    agency_id: int
    number: str
    stage: str
    acknowledge_by: str
    user_ids: list[int]


class SOPAcknowledgementOverdue(TypedDict):
    """The due date of a major revision passed with members who have not acknowledged it."""

    sop_id: int
    version_id: int
    agency_id: int
    number: str
    acknowledge_by: str
    pending_user_ids: list[int]


class SOPWithdrawn(TypedDict):
    sop_id: int
    version_id: int
    agency_id: int
    reason: str


class SOPReviewDue(TypedDict):
    sop_id: int
    version_id: int
    agency_id: int
    review_due: str
    days_left: int  # 0 or negative: due today or overdue by that many days


class SOPAdapted(TypedDict):
    sop_id: int
    source_sop_id: int
    source_version_id: int
    agency_id: int


class SOPChanged(TypedDict):
    """Metadata that decides who may see an SOP (visibility, partners, topics) changed."""

    sop_id: int
    agency_id: int


class SOPTranslationLinked(TypedDict):
    """``sop_id`` was linked as the translation of ``source_sop_id`` (same agency)."""

    sop_id: int
    agency_id: int
    source_sop_id: int
    language: str
    # The source version its version in force renders (None: not published yet).
    source_version_id: int | None


class SOPTranslationUnlinked(TypedDict):
    sop_id: int
    agency_id: int
    source_sop_id: int
    language: str


class SOPTranslationBehind(TypedDict):
    """The source took ``number`` into force; translation ``sop_id`` lags behind it
    since ``behind_since`` (its editors are told)."""

    sop_id: int
    agency_id: int
    source_sop_id: int
    source_version_id: int
    number: str
    behind_since: str
    translated_from_id: int | None


class ActivityEvent(TypedDict):
    """An activity was published, changed (dates, place, procedures) or cancelled."""

    activity_id: int
    agency_id: int  # the organising agency: its webhooks and followers hear of it
    title: str
    starts: str


class RegistrationConfirmed(TypedDict):
    activity_id: int
    agency_id: int
    registration_id: int
    expert_id: int


class ActionOverdue(TypedDict):
    """A corrective action of an after-action report passed its due date while open."""

    action_id: int
    activity_id: int
    agency_id: int  # the owning agency
    due: str


class TrainingStale(TypedDict):
    """Activities trained a version that a major revision replaced ("trained on 2.0, now 3.0")."""

    sop_id: int
    version_id: int
    agency_id: int
    number: str
    activity_ids: list[int]
    trainer_user_ids: list[int]


EVENT_SCHEMAS: dict[str, type] = {
    "sop.changed": SOPChanged,
    "expert.joined": ExpertJoined,
    "expert.updated": ExpertUpdated,
    "expert.left": ExpertLeft,
    "sop.published": SOPPublished,
    "sop.withdrawn": SOPWithdrawn,
    "sop.review_due": SOPReviewDue,
    "sop.adapted": SOPAdapted,
    "sop.took_effect": SOPTookEffect,
    "sop.submitted": SOPSubmitted,
    "sop.returned": SOPReturned,
    "sop.reviewed": SOPReviewed,
    "sop.acknowledgement_reminder": SOPAcknowledgementReminder,
    "sop.acknowledgement_overdue": SOPAcknowledgementOverdue,
    "sop.translation_linked": SOPTranslationLinked,
    "sop.translation_unlinked": SOPTranslationUnlinked,
    "sop.translation_behind": SOPTranslationBehind,
    "activity.published": ActivityEvent,
    "activity.changed": ActivityEvent,
    "activity.cancelled": ActivityEvent,
    "registration.confirmed": RegistrationConfirmed,
    "action.overdue": ActionOverdue,
    "training.stale": TrainingStale,
}


class PayloadError(ValueError):
    """A payload that does not match its kind's definition."""


def check_payload(kind: str, payload: dict) -> dict:
    """Return ``payload`` if it fits ``kind``'s definition, raise ``PayloadError`` if not."""
    try:
        schema = EVENT_SCHEMAS[kind]
    except KeyError:
        raise PayloadError(f"unknown event kind {kind!r}") from None
    hints = get_type_hints(schema)
    missing = set(schema.__required_keys__) - set(payload)
    extra = set(payload) - set(hints)
    if missing or extra:
        raise PayloadError(f"{kind} payload: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return payload
