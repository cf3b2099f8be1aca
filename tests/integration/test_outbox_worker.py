"""The outbox against a real Redis broker and a real Celery worker process."""

from django.db import transaction

from events.models import Event, HandlerRun
from events.tasks import dispatch
from network import services
from network.models import Membership
from tests import factories
from tests.waiting import wait_for

PROBE = "tests.integration.outbox_probe.record"


def test_event_emitted_while_worker_is_down_runs_once_when_it_starts(
    services_env, celery_worker_process, tmp_path
):
    probe = tmp_path / "probe.txt"
    services_env["OUTBOX_PROBE_FILE"] = str(probe)
    celery_worker_process.include = "tests.integration.outbox_probe"
    agency = factories.agency()
    admin = factories.expert(agency=agency, role=Membership.Role.ADMIN).user
    applicant = factories.expert(agency=agency, status=Membership.Status.PENDING)

    with transaction.atomic():
        services.membership_approve(membership=applicant.memberships.get(), by=admin)
    event = Event.objects.get(kind="expert.joined")
    assert event.dispatched is None  # queued on the broker, no worker yet
    # The same event is dispatched a second time (a broker redelivery, a retry).
    dispatch.delay(event.pk)

    celery_worker_process.start()
    wait_for(
        lambda: HandlerRun.objects.filter(
            event=event, handler=PROBE, finished__isnull=False
        ).exists(),
        what="the probe handler to finish",
    )
    event.refresh_from_db()
    assert event.dispatched is not None
    # Both dispatches reached the worker; let the second one finish too, then count.
    wait_for(
        lambda: (
            "run_handler" in celery_worker_process.log()
            and celery_worker_process.log().count("succeeded") >= 4
        ),
        what="both dispatches and their handler tasks to be processed",
    )
    assert probe.read_text().split() == [str(event.pk)]
