"""An approved applicant hears of it: in the inbox and by e-mail, through the outbox."""

from django.urls import reverse

from network import services
from network.models import Membership
from notifications.models import Mail, Notification
from tests import factories


def test_approved_applicant_gets_a_notification_and_a_mail(
    agency_admin, home_agency, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = factories.expert(
        agency=home_agency, status=Membership.Status.PENDING, username="applicant"
    )
    applicant.user.email = "applicant@example.org"
    applicant.user.save()
    membership = applicant.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=membership, by=agency_admin)
    notice = Notification.objects.get()  # the applicant's only: nobody else hears of it
    assert notice.recipient == applicant.user
    assert notice.kind == "expert.joined" and home_agency.name in notice.text
    assert [m.to for m in mailoutbox] == [["applicant@example.org"]]
    assert "approved" in mailoutbox[0].body and home_agency.name in mailoutbox[0].subject
    inbox = client_for(applicant.user).get(reverse("notifications:inbox")).content.decode()
    assert "was approved" in inbox and "1 unread" in inbox


def test_the_notice_is_not_sent_twice_when_the_handler_runs_again(
    agency_admin, home_agency, mailoutbox, django_capture_on_commit_callbacks
):
    from events.models import Event
    from notifications.membership_notices import membership_approved_notify

    applicant = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=applicant.memberships.get(), by=agency_admin)
    event = Event.objects.get(kind="expert.joined")
    with django_capture_on_commit_callbacks(execute=True):
        assert membership_approved_notify(event=event) is None
    assert Notification.objects.filter(recipient=applicant.user).count() == 1
    assert Mail.objects.filter(user=applicant.user).count() == 1
    assert len(mailoutbox) == 1


def test_a_rejected_applicant_gets_no_welcome(agency_admin, home_agency, mailoutbox):
    applicant = factories.expert(agency=home_agency, status=Membership.Status.PENDING)
    services.membership_reject(
        membership=applicant.memberships.get(), by=agency_admin, reason="Not our staff."
    )
    assert not Notification.objects.filter(recipient=applicant.user).exists()
    assert mailoutbox == []
