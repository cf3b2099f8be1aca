"""A translation's editors hear, through the outbox, when its source moves ahead of it."""

import pytest
from django.urls import reverse

from notifications import services as notification_services
from notifications.models import Notification, Subscription
from notifications.translation_notices import translation_behind_notify
from sops import services
from sops.models import SOPVersion
from tests import factories
from tests.translation_fixtures import revise, translation_create

Kind = SOPVersion.ChangeKind
KIND = "sop.translation_behind"


@pytest.fixture
def pair(make_sop, editor, publisher):
    source = make_sop().sop
    translation = translation_create(source=source, editor=editor, publisher=publisher)
    return source, translation


def test_translation_editors_are_told_when_the_source_moves_ahead(
    pair,
    editor,
    publisher,
    agency_admin,
    member,
    outsider,
    client_for,
    django_capture_on_commit_callbacks,
):
    source, translation = pair
    with django_capture_on_commit_callbacks(execute=True):
        revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)
    notices = Notification.objects.filter(kind=KIND)
    # Editors and admins of the agency; not its plain members, not the publisher who
    # published the source (their own act), not other agencies.
    assert set(notices.values_list("recipient__username", flat=True)) == {
        editor.username,
        agency_admin.username,
    }
    notice = notices.get(recipient=editor)
    assert notice.sop == translation
    assert notice.link == reverse("sops:detail", args=[translation.pk])
    assert "behind the source since version 1.1" in notice.text
    inbox = client_for(editor).get(reverse("notifications:inbox")).content.decode()
    assert f"{translation.reference} is behind its source" in inbox


def test_an_editorial_source_version_tells_nobody(
    pair, editor, publisher, django_capture_on_commit_callbacks
):
    source, _translation = pair
    with django_capture_on_commit_callbacks(execute=True):
        revise(source, editor=editor, publisher=publisher, kind=Kind.EDITORIAL)
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_muted_translation_stays_silent_and_a_rerun_creates_nothing_twice(
    pair, editor, publisher, agency_admin, django_capture_on_commit_callbacks
):
    from events.models import Event

    source, translation = pair
    notification_services.subscription_set(
        by=editor, target=translation, level=Subscription.Level.MUTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        revise(source, editor=editor, publisher=publisher, kind=Kind.MAJOR)
    assert list(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True)) == [
        agency_admin.pk
    ]
    event = Event.objects.get(kind=KIND)
    with django_capture_on_commit_callbacks(execute=True):
        assert translation_behind_notify(event=event) == []
    assert Notification.objects.filter(kind=KIND).count() == 1


def test_an_unlinked_translation_is_not_told(
    pair, editor, publisher, django_capture_on_commit_callbacks
):
    from events.models import Event

    source, translation = pair
    revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)  # handler not yet run
    services.sop_translation_unlink(translation=translation, by=publisher)
    event = Event.objects.get(kind=KIND)
    assert translation_behind_notify(event=event) == []


def test_an_editor_of_an_agency_only_translation_who_left_hears_nothing(
    make_sop, home_agency, editor, publisher, django_capture_on_commit_callbacks
):
    from network.models import Membership

    source = make_sop().sop
    translation_create(source=source, editor=editor, publisher=publisher, visibility="agency")
    gone = factories.expert(agency=home_agency, role=Membership.Role.EDITOR, username="gone")
    gone.memberships.update(status=Membership.Status.REMOVED)
    with django_capture_on_commit_callbacks(execute=True):
        revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)
    assert not Notification.objects.filter(kind=KIND, recipient=gone.user).exists()
    assert Notification.objects.filter(kind=KIND, recipient=editor).exists()
