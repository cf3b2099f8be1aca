import pytest

from network.models import Expert, Membership
from network.permissions import agencies_with_role, can_see_contact
from tests import factories


@pytest.mark.parametrize(
    ("visibility", "colleague", "network", "unvetted_sees", "anonymous_sees"),
    [
        (Expert.ContactVisibility.NETWORK, True, True, False, False),
        (Expert.ContactVisibility.AGENCY, True, False, False, False),
        (Expert.ContactVisibility.PRIVATE, False, False, False, False),
    ],
)
def test_contact_visibility(
    home_agency,
    other_agency,
    visibility,
    colleague,
    network,
    unvetted_sees,
    anonymous_sees,
    django_user_model,
):
    from django.contrib.auth.models import AnonymousUser

    subject = factories.expert(agency=home_agency, contact_visibility=visibility)
    same_agency = factories.expert(agency=home_agency).user
    elsewhere = factories.expert(agency=other_agency).user
    pending = factories.expert(agency=home_agency, status=Membership.Status.PENDING).user
    staff = factories.user(is_staff=True)
    assert can_see_contact(same_agency, subject) is colleague
    assert can_see_contact(elsewhere, subject) is network
    assert can_see_contact(pending, subject) is unvetted_sees
    assert can_see_contact(AnonymousUser(), subject) is anonymous_sees
    assert can_see_contact(subject.user, subject) is True
    assert can_see_contact(staff, subject) is True


def test_agencies_with_role_counts_higher_roles_and_gives_staff_every_agency(
    home_agency, publisher, member, staff, outsider, other_agency
):
    assert agencies_with_role(publisher, Membership.Role.EDITOR) == [home_agency.pk]
    assert agencies_with_role(publisher, Membership.Role.ADMIN) == []
    assert agencies_with_role(member, Membership.Role.EDITOR) == []
    assert agencies_with_role(member, Membership.Role.MEMBER) == [home_agency.pk]
    assert agencies_with_role(outsider, Membership.Role.PUBLISHER) == [other_agency.pk]
    assert agencies_with_role(staff, Membership.Role.ADMIN) is None
    assert agencies_with_role(None, Membership.Role.MEMBER) == []
