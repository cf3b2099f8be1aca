import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from events import registry
from events.models import Event, HandlerRun
from events.schemas import EVENT_SCHEMAS, PayloadError, check_payload
from events.services import event_dispatch, event_emit, events_redispatch_pending, handler_run

RUNS: list[int] = []
FAIL = {"on": False}


def recording_handler(event):
    if FAIL["on"]:
        raise RuntimeError("handler down")
    RUNS.append(event.pk)


HANDLER = f"{__name__}.recording_handler"
SAMPLES = {
    "expert.joined": {"expert_id": 1, "agency_id": 2, "membership_id": 3},
    "expert.updated": {"expert_id": 1},
    "expert.left": {"expert_id": 1, "agency_id": 2, "membership_id": 3, "status": "removed"},
    "sop.published": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "number": "2.0",
        "change_kind": "major",
        "previous_version_id": None,
        "effective_date": "2026-12-15",
        "scheduled": True,
        "acknowledge_by": "2026-12-29",
    },
    "sop.withdrawn": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "reason": "Replaced by a joint SOP",
    },
    "sop.review_due": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "review_due": "2026-01-31",
        "days_left": 0,
    },
    "sop.adapted": {"sop_id": 4, "source_sop_id": 1, "source_version_id": 2, "agency_id": 3},
    "sop.changed": {"sop_id": 1, "agency_id": 3},
    "sop.translation_linked": {
        "sop_id": 4,
        "agency_id": 3,
        "source_sop_id": 1,
        "language": "ru",
        "source_version_id": 2,
    },
    "sop.translation_unlinked": {"sop_id": 4, "agency_id": 3, "source_sop_id": 1, "language": "ru"},
    "sop.translation_behind": {
        "sop_id": 4,
        "agency_id": 3,
        "source_sop_id": 1,
        "source_version_id": 5,
        "number": "1.1",
        "behind_since": "1.1",
        "translated_from_id": 2,
    },
    "sop.took_effect": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "number": "3.0",
        "change_kind": "major",
        "previous_version_id": 1,
        "effective_date": "2026-12-15",
        "acknowledge_by": "2026-12-29",
    },
    "sop.submitted": {"sop_id": 1, "version_id": 2, "agency_id": 3},
    "sop.returned": {"sop_id": 1, "version_id": 2, "agency_id": 3, "reason": "Cite the law."},
    "sop.reviewed": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "review_due": "2027-12-01",
        "previous_review_due": None,
    },
    "sop.acknowledgement_reminder": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "number": "2.0",
        "stage": "half",
        "acknowledge_by": "2026-12-15",
        "user_ids": [4, 5],
    },
    "sop.acknowledgement_overdue": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "number": "2.0",
        "acknowledge_by": "2026-12-15",
        "pending_user_ids": [4],
    },
    # capacity (registered by capacity.handlers at app start)
    **{
        kind: {
            "assessment_id": 1,
            "country": "RS",
            "year": 2025,
            "status": "validated",
            "tlp": "green",
        }
        for kind in (
            "assessment.created",
            "assessment.changed",
            "assessment.submitted",
            "assessment.returned",
            "assessment.validated",
        )
    },
    "need.changed": {"need_id": 1, "assessment_id": 1, "status": "met"},
    "regulation.changed": {"regulation_id": 1, "country": "RS"},
    # trainings (training.handlers)
    **{
        kind: {"activity_id": 1, "agency_id": 3, "title": "Table-top", "starts": "2027-03-01"}
        for kind in ("activity.published", "activity.changed", "activity.cancelled")
    },
    "registration.confirmed": {
        "activity_id": 1,
        "agency_id": 3,
        "registration_id": 2,
        "expert_id": 4,
    },
    "action.overdue": {"action_id": 1, "activity_id": 2, "agency_id": 3, "due": "2027-01-31"},
    "training.stale": {
        "sop_id": 1,
        "version_id": 2,
        "agency_id": 3,
        "number": "3.0",
        "activity_ids": [4],
        "trainer_user_ids": [5],
    },
}


@pytest.fixture(autouse=True)
def probe_handler():
    RUNS.clear()
    FAIL["on"] = False
    registry.register("sop.changed", recording_handler)
    yield
    registry._handlers["sop.changed"].remove(HANDLER)


def emit():
    return event_emit(kind="sop.changed", target="sop:1", payload=SAMPLES["sop.changed"])


def test_every_kind_has_a_sample_that_round_trips_through_json():
    assert set(SAMPLES) == set(EVENT_SCHEMAS)
    for kind, payload in SAMPLES.items():
        assert check_payload(kind, json.loads(json.dumps(payload))) == payload


def test_a_payload_missing_a_key_or_with_an_extra_one_is_refused(db):
    with pytest.raises(PayloadError, match="missing"):
        event_emit(kind="sop.changed", payload={"sop_id": 1})
    with pytest.raises(PayloadError, match="unexpected"):
        event_emit(kind="sop.changed", payload={**SAMPLES["sop.changed"], "extra": 1})
    with pytest.raises(PayloadError, match="unknown"):
        event_emit(kind="sop.exploded", payload={})
    assert not Event.objects.exists()


def test_commit_dispatches_to_registered_handler(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit()
    assert RUNS == [event.pk]
    event.refresh_from_db()
    assert event.dispatched is not None
    assert HandlerRun.objects.get(event=event, handler=HANDLER).finished is not None


def test_rollback_writes_no_event_and_dispatches_nothing(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit()
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()
    assert RUNS == []


def test_dispatching_twice_runs_the_handler_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit()
    event_dispatch(event_id=event.pk)
    assert handler_run(event_id=event.pk, handler=HANDLER) is False
    assert RUNS == [event.pk]


def test_failed_handler_is_retried_by_the_beat_task_once_it_works(
    db, django_capture_on_commit_callbacks
):
    FAIL["on"] = True
    with django_capture_on_commit_callbacks(execute=True):
        event = emit()
    run = HandlerRun.objects.get(event=event, handler=HANDLER)
    assert run.finished is None and run.claimed is None
    assert run.attempts >= 1 and "handler down" in run.last_error
    assert RUNS == []

    FAIL["on"] = False
    Event.objects.filter(pk=event.pk).update(created=timezone.now() - datetime.timedelta(minutes=5))
    events_redispatch_pending()
    assert RUNS == [event.pk]
    events_redispatch_pending()
    assert RUNS == [event.pk]


def test_event_never_dispatched_is_sent_by_the_beat_task(db):
    # Written but its after-commit dispatch was lost (broker down at that moment).
    event = Event.objects.create(kind="sop.changed", payload=SAMPLES["sop.changed"])
    Event.objects.filter(pk=event.pk).update(created=timezone.now() - datetime.timedelta(minutes=5))
    assert events_redispatch_pending() == 1
    event.refresh_from_db()
    assert event.dispatched is not None
    assert RUNS == [event.pk]
    assert events_redispatch_pending() == 0


def test_broker_down_at_commit_leaves_the_event_pending(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    from events import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.dispatch, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        event = emit()
    event.refresh_from_db()
    assert event.dispatched is None
    assert RUNS == []
