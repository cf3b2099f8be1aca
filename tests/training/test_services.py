"""The services of trainings and exercises: permissions, moves, records, events, audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from events.models import Event
from frontline.errors import ActionRefused, Conflict, NotAllowed
from notifications.models import Notification, Subscription
from sops import services as sop_services
from sops.models import SOPVersion
from tests import factories
from training import services
from training.models import (
    Activity,
    Certificate,
    CorrectiveAction,
    Registration,
    TrainerQualification,
)
from training.permissions import can_view_report

pytestmark = pytest.mark.django_db


def test_only_publishers_and_admins_of_the_agency_organise(
    make_activity, home_agency, member, outsider, editor
):
    for user in (member, outsider, editor):
        with pytest.raises(NotAllowed):
            services.activity_create(
                by=user,
                organiser=home_agency,
                title="X",
                kind="training",
                scope="national",
                starts=datetime.date(2027, 1, 1),
                ends=datetime.date(2027, 1, 1),
                place="Here",
            )
    assert not Activity.objects.exists()


def test_publish_emits_event_and_audits(make_activity):
    activity = make_activity()
    assert activity.status == Activity.Status.PUBLISHED
    event = Event.objects.get(kind="activity.published")
    assert event.payload["activity_id"] == activity.pk
    assert AuditEntry.objects.filter(target=f"activity:{activity.pk}").count() == 2


def test_bad_dates_are_refused_and_change_nothing(home_agency, publisher):
    with pytest.raises(ActionRefused, match="end before"):
        services.activity_create(
            by=publisher,
            organiser=home_agency,
            title="X",
            kind="training",
            scope="national",
            starts=datetime.date(2027, 1, 2),
            ends=datetime.date(2027, 1, 1),
            place="Here",
        )
    with pytest.raises(ActionRefused, match="place"):
        services.activity_create(
            by=publisher,
            organiser=home_agency,
            title="X",
            kind="training",
            scope="national",
            starts=datetime.date(2027, 1, 1),
            ends=datetime.date(2027, 1, 1),
        )
    assert not Activity.objects.exists()


def test_noteworthy_change_of_a_published_activity_is_announced(make_activity, publisher):
    activity = make_activity()
    services.activity_update(by=publisher, activity=activity, description="More detail")
    assert not Event.objects.filter(kind="activity.changed").exists()
    services.activity_update(by=publisher, activity=activity, place="Tiraspol border crossing")
    assert Event.objects.filter(kind="activity.changed").count() == 1


def test_register_confirm_attend_complete_issues_certificate(
    make_activity, publisher, participant, django_capture_on_commit_callbacks
):
    activity = make_activity()
    registration = services.registration_register(by=participant, activity=activity)
    with pytest.raises(NotAllowed):
        services.registration_mark(by=participant, registration=registration, status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_mark(by=publisher, registration=registration, status="confirmed")
    note = Notification.objects.get(recipient=participant, kind="registration.confirmed")
    assert activity.title in note.title
    with pytest.raises(Conflict):
        services.registration_mark(by=publisher, registration=registration, status="confirmed")
    services.registration_mark(by=publisher, registration=registration, status="attended")
    services.registration_mark(by=publisher, registration=registration, status="completed")
    assert Certificate.objects.filter(registration=registration).exists()
    # Not a train-the-trainer course: nobody became a trainer.
    assert not TrainerQualification.objects.exists()


def test_completing_a_ttt_course_qualifies_the_trainer(make_activity, publisher, participant):
    topic = factories.topic()
    course = make_activity(kind="ttt", scope="regional", topics=[topic], title="Regional ToT")
    registration = services.registration_register(by=participant, activity=course)
    services.registration_mark(by=publisher, registration=registration, status="confirmed")
    services.registration_mark(by=publisher, registration=registration, status="completed")
    q = TrainerQualification.objects.get()
    assert (q.expert.user, q.topic, q.course) == (participant, topic, course)


def test_capacity_and_window_are_enforced(make_activity, participant, member, home_agency):
    full = make_activity(capacity=1)
    services.registration_register(by=member, activity=full)
    with pytest.raises(Conflict, match="full"):
        services.registration_register(by=participant, activity=full)
    today = timezone.localdate()
    later = make_activity(registration_opens=today + datetime.timedelta(days=2))
    with pytest.raises(Conflict, match="not opened"):
        services.registration_register(by=participant, activity=later)
    draft = make_activity(publish=False)
    with pytest.raises(Conflict):
        services.registration_register(by=participant, activity=draft)
    assert Registration.objects.count() == 1


def test_only_the_agency_admin_nominates_its_own_members(
    make_activity, participant, participant_admin, participant_agency, agency_admin
):
    activity = make_activity()
    expert = participant.expert
    with pytest.raises(NotAllowed):
        services.registration_nominate(
            by=agency_admin, activity=activity, expert=expert, agency=participant_agency
        )
    r = services.registration_nominate(
        by=participant_admin, activity=activity, expert=expert, agency=participant_agency
    )
    assert r.status == Registration.Status.NOMINATED


def test_unvetted_cannot_register(make_activity, unvetted):
    with pytest.raises(NotAllowed):
        services.registration_register(by=unvetted, activity=make_activity())


def _exercise_with_action(make_activity, publisher, participant_agency, sop=None):
    activity = make_activity(agencies=[participant_agency])
    report = services.report_save(by=publisher, activity=activity, summary="Went well", final=True)
    weak = services.observation_add(
        by=publisher,
        report=report,
        capability="Sampling",
        kind="improvement",
        text="Sampling kits missing",
    )
    action = services.action_add(
        by=publisher,
        observation=weak,
        title="Stock kits at the crossing",
        owner=participant_agency,
        due=timezone.localdate() - datetime.timedelta(days=1),
        sop=sop,
    )
    return activity, report, action


def test_report_is_for_participating_agencies_by_default(
    make_activity, publisher, participant_agency, participant, outsider, member, staff
):
    _activity, report, _action = _exercise_with_action(make_activity, publisher, participant_agency)
    assert (
        can_view_report(participant, report)
        and can_view_report(member, report)
        and can_view_report(staff, report)
    )
    assert not can_view_report(outsider, report)
    services.report_save(
        by=publisher, activity=report.activity, summary="", final=True, shared_with_network=True
    )
    report.refresh_from_db()
    assert can_view_report(outsider, report)


def test_draft_report_only_for_organisers(
    make_activity, publisher, participant_agency, participant
):
    activity = make_activity(agencies=[participant_agency])
    report = services.report_save(by=publisher, activity=activity, summary="draft")
    assert not can_view_report(participant, report)
    assert can_view_report(publisher, report)


def test_strengths_get_no_corrective_action(make_activity, publisher, participant_agency):
    activity = make_activity()
    report = services.report_save(by=publisher, activity=activity, summary="")
    good = services.observation_add(
        by=publisher, report=report, capability="Comms", kind="strength", text="Fast"
    )
    with pytest.raises(ActionRefused):
        services.action_add(
            by=publisher,
            observation=good,
            title="x",
            owner=participant_agency,
            due=timezone.localdate(),
        )


def test_not_accepted_needs_a_reason(make_activity, publisher, participant_agency):
    _a, _r, action = _exercise_with_action(make_activity, publisher, participant_agency)
    with pytest.raises(ActionRefused, match="why"):
        services.action_update(by=publisher, action=action, status="not_accepted")
    services.action_update(
        by=publisher, action=action, status="not_accepted", reason="Out of budget"
    )
    action.refresh_from_db()
    assert action.status == "not_accepted" and action.closed


def test_change_request_is_closed_by_the_revision_that_addresses_it(
    make_activity,
    make_sop,
    publisher,
    editor,
    participant_agency,
    outsider,
    django_capture_on_commit_callbacks,
):
    v1 = make_sop()
    _a, _r, action = _exercise_with_action(make_activity, publisher, participant_agency, sop=v1.sop)
    draft = sop_services.version_start_revision(sop=v1.sop, by=editor)
    with pytest.raises(NotAllowed):
        services.action_address(by=outsider, action=action, version=draft)
    with pytest.raises(Conflict):
        services.action_address(by=editor, action=action, version=v1)  # already published
    services.action_address(by=editor, action=action, version=draft)
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=draft, by=publisher, change_summary="Kits stocked")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.DONE and action.closed is not None


def test_overdue_is_emitted_once_and_reaches_the_owner(
    make_activity,
    publisher,
    participant_agency,
    participant_admin,
    django_capture_on_commit_callbacks,
):
    _a, _r, action = _exercise_with_action(make_activity, publisher, participant_agency)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_overdue_emit() == 1
    assert services.actions_overdue_emit() == 0
    assert (
        Notification.objects.filter(recipient=participant_admin, kind="action.overdue").count() == 1
    )


def test_major_revision_flags_stale_training_and_tells_the_trainer(
    make_activity, make_sop, publisher, editor, participant, django_capture_on_commit_callbacks
):
    v1 = make_sop()
    topic = factories.topic()
    q = TrainerQualification.objects.create(
        expert=participant.expert, topic=topic, qualified_on=timezone.localdate()
    )
    workshop = make_activity(kind="workshop", sop_versions=[v1], trainer_qualification=q)
    minor = sop_services.version_start_revision(sop=v1.sop, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=minor, by=publisher, change_summary="Typo")
    assert not workshop.stale_flags.exists()
    major = sop_services.version_start_revision(
        sop=v1.sop, by=editor, change_kind=SOPVersion.ChangeKind.MAJOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=major, by=publisher, change_summary="New steps")
    flag = workshop.stale_flags.get()
    assert (flag.trained.number, flag.current.number) == ("1.0", "2.0")
    assert Notification.objects.filter(recipient=participant, kind="training.stale").exists()


def test_followers_of_the_agency_hear_of_a_publication(
    make_activity, home_agency, outsider, django_capture_on_commit_callbacks
):
    Subscription.objects.create(user=outsider, kind="agency", agency=home_agency)
    with django_capture_on_commit_callbacks(execute=True):
        activity = make_activity()
    assert Notification.objects.filter(
        recipient=outsider, kind="activity.published", link=activity.get_absolute_url()
    ).exists()


def test_a_draft_is_announced_to_nobody(
    make_activity, home_agency, outsider, django_capture_on_commit_callbacks
):
    Subscription.objects.create(user=outsider, kind="agency", agency=home_agency)
    with django_capture_on_commit_callbacks(execute=True):
        make_activity(publish=False)
    assert not Notification.objects.exists()


def test_assignee_is_a_member_of_the_owning_agency_and_is_set_while_open(
    make_activity, publisher, participant_agency, participant, member, outsider
):
    _a, _r, action = _exercise_with_action(make_activity, publisher, participant_agency)
    with pytest.raises(NotAllowed):
        services.action_assign(by=outsider, action=action, assignee=participant.expert)
    with pytest.raises(ActionRefused):  # a member of the organiser, not of the owning agency
        services.action_assign(by=publisher, action=action, assignee=member.expert)
    services.action_assign(by=publisher, action=action, assignee=participant.expert)
    action.refresh_from_db()
    assert action.assignee == participant.expert
    services.action_assign(by=publisher, action=action, assignee=None)
    action.refresh_from_db()
    assert action.assignee is None
    services.action_update(by=publisher, action=action, status="done")
    with pytest.raises(Conflict):
        services.action_assign(by=publisher, action=action, assignee=participant.expert)
