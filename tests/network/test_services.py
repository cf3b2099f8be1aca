import pytest

from events.models import Event
from frontline.errors import ActionRefused, NotAllowed
from network import services
from network.models import Expert, Membership
from network.permissions import is_vetted
from tests import factories


@pytest.fixture
def pending(home_agency):
    return factories.expert(agency=home_agency, status=Membership.Status.PENDING).memberships.get()


def test_sign_up_creates_account_waiting_for_vetting(home_agency):
    expert = services.expert_sign_up(
        username="ana",
        email="ana@example.org",
        password="a-long-test-password-42",
        full_name="Ана Петровић",
        agency=home_agency,
    )
    membership = expert.memberships.get()
    assert membership.status == Membership.Status.PENDING
    assert expert.full_name == "Ана Петровић"
    assert expert.country == home_agency.country
    assert not is_vetted(expert.user)


def test_sign_up_refuses_taken_username_and_creates_nothing(home_agency, member):
    before = Expert.objects.count()
    with pytest.raises(ActionRefused):
        services.expert_sign_up(
            username="MEMBER",
            email="x@example.org",
            password="a-long-test-password-42",
            full_name="X",
            agency=home_agency,
        )
    assert Expert.objects.count() == before


def test_agency_admin_approves_and_event_is_recorded(
    agency_admin, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=pending, by=agency_admin)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.APPROVED
    assert pending.decided_by == agency_admin
    event = Event.objects.get(kind="expert.joined")
    assert event.payload["membership_id"] == pending.pk
    assert event.dispatched is not None
    assert is_vetted(pending.expert.user)


def test_staff_can_vet_any_agency(staff, pending):
    services.membership_approve(membership=pending, by=staff)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.APPROVED


@pytest.mark.parametrize("persona", ["publisher", "member", "outsider", "unvetted"])
def test_only_admins_vet(request, persona, pending):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        services.membership_approve(membership=pending, by=user)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
    assert not Event.objects.exists()


def test_admin_of_other_agency_cannot_vet(other_agency, pending):
    other_admin = factories.expert(agency=other_agency, role=Membership.Role.ADMIN).user
    with pytest.raises(NotAllowed):
        services.membership_approve(membership=pending, by=other_admin)


def test_reject_needs_a_reason(agency_admin, pending):
    with pytest.raises(ActionRefused, match="reason"):
        services.membership_reject(membership=pending, by=agency_admin, reason="  ")
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
    services.membership_reject(membership=pending, by=agency_admin, reason="Not staff of ours")
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (Membership.Status.REJECTED, "Not staff of ours")


def test_a_decided_request_cannot_be_decided_again(agency_admin, pending):
    services.membership_approve(membership=pending, by=agency_admin)
    with pytest.raises(ActionRefused, match="already decided"):
        services.membership_reject(membership=pending, by=agency_admin, reason="changed mind")


def test_rejected_applicant_may_ask_again(agency_admin, pending):
    services.membership_reject(membership=pending, by=agency_admin, reason="unknown")
    again = services.membership_request(
        expert=pending.expert, agency=pending.agency, by=pending.expert.user
    )
    assert again.status == Membership.Status.PENDING and again.reason == ""


def test_admin_changes_roles(agency_admin, member):
    membership = member.expert.memberships.get()
    services.membership_set_role(membership=membership, role="publisher", by=agency_admin)
    membership.refresh_from_db()
    assert membership.role == "publisher"


def test_publisher_cannot_change_roles(publisher, member):
    membership = member.expert.memberships.get()
    with pytest.raises(NotAllowed):
        services.membership_set_role(membership=membership, role="admin", by=publisher)
    membership.refresh_from_db()
    assert membership.role == "member"


def test_last_admin_cannot_demote_themselves(agency_admin):
    membership = agency_admin.expert.memberships.get()
    with pytest.raises(ActionRefused, match="last admin"):
        services.membership_set_role(membership=membership, role="member", by=agency_admin)


def test_unknown_role_is_refused(agency_admin, member):
    with pytest.raises(ActionRefused, match="Unknown role"):
        services.membership_set_role(
            membership=member.expert.memberships.get(), role="emperor", by=agency_admin
        )


def test_profile_edit_only_by_self(member, publisher):
    expert = member.expert
    services.expert_update_profile(expert=expert, by=member, position="Biosafety officer")
    expert.refresh_from_db()
    assert expert.position == "Biosafety officer"
    with pytest.raises(NotAllowed):
        services.expert_update_profile(expert=expert, by=publisher, position="hacked")
    expert.refresh_from_db()
    assert expert.position == "Biosafety officer"
