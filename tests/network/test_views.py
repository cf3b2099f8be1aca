import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from frontline.forms import LongSelect
from network.models import TIMEZONE_CHOICES, Expert, Membership
from network.views import MEMBERS_PAGE_SIZE
from tests import factories


@pytest.fixture
def directory(home_agency, other_agency):
    """A few experts who differ in every filter the directory offers."""
    trainer_topic = factories.topic("decontamination", "Decontamination")
    sampling = factories.topic()
    russian = factories.language("ru", "Russian")
    factories.country("KZ", "Kazakhstan", region_code="CA")
    kz_agency = factories.agency("kz-lab", country_code="KZ", kind="laboratory", name="KZ Lab")
    alma = factories.expert(agency=kz_agency, full_name="Алма Нурланова", is_trainer=True)
    alma.topics.add(trainer_topic)
    alma.languages.add(russian)
    bojan = factories.expert(agency=home_agency, full_name="Bojan Đorđević")
    bojan.topics.add(sampling)
    olena = factories.expert(agency=other_agency, full_name="Олена Шевченко")
    olena.languages.add(russian)
    factories.expert(
        agency=home_agency, full_name="Pending Person", status=Membership.Status.PENDING
    )
    return {"alma": alma, "bojan": bojan, "olena": olena}


def names(response):
    return [e.full_name for e in response.context["page"]]


def test_directory_lists_only_vetted_experts(client_for, member, directory):
    response = client_for(member).get(reverse("network:experts"))
    assert response.status_code == 200
    listed = names(response)
    assert "Pending Person" not in listed
    assert {"Алма Нурланова", "Bojan Đorđević", "Олена Шевченко"} <= set(listed)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=CA", ["Алма Нурланова"]),
        ("country=UA", ["Олена Шевченко"]),
        ("agency=home-agency&q=Bojan", ["Bojan Đorđević"]),
        ("topic=detection-sampling", ["Bojan Đorđević"]),
        ("language=ru", ["Алма Нурланова", "Олена Шевченко"]),
        ("trainer=on", ["Алма Нурланова"]),
        ("q=шевч", ["Олена Шевченко"]),
        ("country=UA&trainer=on", []),
    ],
)
def test_directory_filters(client_for, member, directory, query, expected):
    response = client_for(member).get(reverse("network:experts") + "?" + query)
    assert names(response) == expected


def test_directory_htmx_request_returns_only_results(client_for, member, directory):
    response = client_for(member).get(
        reverse("network:experts") + "?country=UA", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Олена Шевченко" in body
    assert "<html" not in body


def test_directory_pages(client_for, member, home_agency):
    for i in range(45):
        factories.expert(agency=home_agency, full_name=f"Expert {i:02d}")
    client = client_for(member)
    first = client.get(reverse("network:experts"))
    assert len(first.context["page"]) == 20
    third = client.get(reverse("network:experts") + "?page=3")
    assert third.context["page"].number == 3
    assert len(third.context["page"]) == 46 - 40


def test_directory_query_count_does_not_grow_with_rows(
    client_for, member, home_agency, django_assert_max_num_queries
):
    """Session, user, roles, count, five filter choice lists, the page and its prefetches."""
    client = client_for(member)
    for i in range(30):
        e = factories.expert(agency=home_agency, full_name=f"Expert {i:02d}")
        e.topics.add(factories.topic())
        e.languages.add(factories.language())
    with django_assert_max_num_queries(14):
        response = client.get(reverse("network:experts"))
    assert len(response.context["page"]) == 20


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get(reverse("network:experts"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unvetted_sees_public_pages_and_own_profile_only(
    client_for, unvetted, home_agency, directory
):
    client = client_for(unvetted)
    assert client.get(reverse("network:experts")).status_code == 403
    other = directory["bojan"]
    assert client.get(other.get_absolute_url()).status_code == 403
    assert client.get(unvetted.expert.get_absolute_url()).status_code == 200
    assert client.get(reverse("network:profile")).status_code == 200
    page = client.get(home_agency.get_absolute_url())
    assert page.status_code == 200
    assert "Bojan" not in page.content.decode()
    assert client.get(reverse("network:agencies")).status_code == 200


def test_profile_shows_contact_only_as_allowed(client_for, other_agency, home_agency, member):
    shy = factories.expert(
        agency=other_agency, contact_visibility=Expert.ContactVisibility.AGENCY, phone="+381 11 123"
    )
    page = client_for(member).get(shy.get_absolute_url()).content.decode()
    assert shy.user.email not in page and "+381 11 123" not in page
    open_ = factories.expert(
        agency=other_agency,
        contact_visibility=Expert.ContactVisibility.NETWORK,
        phone="+380 44 555",
    )
    page = client_for(member).get(open_.get_absolute_url()).content.decode()
    assert open_.user.email in page and "+380 44 555" in page


def test_sign_up_with_bad_input_shows_errors_and_creates_nothing(client, home_agency, member):
    users_before = get_user_model().objects.count()
    response = client.post(
        reverse("network:sign_up"),
        {
            "username": "member",  # taken
            "email": "not-an-address",
            "password1": "short",
            "password2": "different",
            "full_name": "",
            "agency": "999999",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"username", "email", "password2", "full_name", "agency"} <= set(errors)
    assert get_user_model().objects.count() == users_before
    # What the person typed is kept in the form.
    assert 'value="not-an-address"' in response.content.decode()


def test_sign_up_then_wait_for_vetting(client, home_agency):
    response = client.post(
        reverse("network:sign_up"),
        {
            "username": "tamar",
            "email": "tamar@example.org",
            "password1": "a-long-test-password-42",
            "password2": "a-long-test-password-42",
            "full_name": "თამარ ბერიძე",
            "agency": home_agency.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    expert = Expert.objects.get(user__username="tamar")
    assert expert.full_name == "თამარ ბერიძე"
    assert expert.memberships.get().status == Membership.Status.PENDING
    assert "თამარ ბერიძე" in response.content.decode()
    # Contact details start visible to colleagues only, as the sign-up page said.
    assert expert.contact_visibility == Expert.ContactVisibility.AGENCY


def test_sign_up_page_says_contact_details_go_to_colleagues_only(client, home_agency):
    page = client.get(reverse("network:sign_up")).content.decode()
    assert "shown to colleagues in your agency only" in page


def test_admin_vets_from_agency_page(client_for, agency_admin, home_agency, unvetted):
    client = client_for(agency_admin)
    page = client.get(home_agency.get_absolute_url()).content.decode()
    assert "Requests to join" in page
    membership = unvetted.expert.memberships.get()
    client.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


def test_member_cannot_vet_through_the_page(client_for, member, unvetted, home_agency):
    client = client_for(member)
    assert "Requests to join" not in client.get(home_agency.get_absolute_url()).content.decode()
    membership = unvetted.expert.memberships.get()
    response = client.post(reverse("network:membership_approve", args=[membership.pk]), follow=True)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING
    assert "Only this agency" in response.content.decode()


def test_reject_without_reason_changes_nothing(client_for, agency_admin, unvetted):
    membership = unvetted.expert.memberships.get()
    response = client_for(agency_admin).post(
        reverse("network:membership_reject", args=[membership.pk]), {"reason": ""}, follow=True
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING
    assert "Give a reason" in response.content.decode()


def test_roles_visible_to_agency_admins_only(client_for, agency_admin, member, home_agency):
    assert (
        'name="role"'
        in client_for(agency_admin).get(home_agency.get_absolute_url()).content.decode()
    )
    client_for(member)
    assert (
        'name="role"' not in client_for(member).get(home_agency.get_absolute_url()).content.decode()
    )


def test_profile_edit_keeps_text_in_any_script(client_for, member):
    client = client_for(member)
    response = client.post(
        reverse("network:profile"),
        {
            "full_name": "Գոհար Պետրոսյան",
            "position": "Biosafety officer",
            "bio": "Çalışma — Ελληνικά — Кыргызча",
            "contact_visibility": "private",
            "timezone": "Asia/Almaty",
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(user=member)
    assert expert.full_name == "Գոհար Պետրոսյան"
    assert expert.bio == "Çalışma — Ελληνικά — Кыргызча"
    assert expert.timezone == "Asia/Almaty"


def test_the_time_zone_menu_offers_every_zone_and_shows_the_one_saved(client_for, member):
    """The menu is drawn by frontline.forms.LongSelect (its options joined in Python): the
    same options Django's own select would draw, the saved zone selected and no other."""
    member.expert.timezone = "Asia/Almaty"
    member.expert.save()
    page = client_for(member).get(reverse("network:profile")).content.decode()
    menu = re.search(r'<select name="timezone"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', menu)
    assert [value for value, _, _ in options] == [name for name, _ in TIMEZONE_CHOICES]
    assert all(value == label for value, _, label in options)
    assert [value for value, selected, _ in options if selected] == ["Asia/Almaty"]


def test_a_long_menu_escapes_its_options_as_django_s_own_does():
    choices = [("a&b", "<b>A & B</b>"), ('"q"', "plain")]
    long = LongSelect(choices=choices).render("zone", '"q"')
    assert '<option value="a&amp;b">&lt;b&gt;A &amp; B&lt;/b&gt;</option>' in long
    assert '<option value="&quot;q&quot;" selected>plain</option>' in long


def test_country_and_region_pages(client, home_agency):
    assert home_agency.name in client.get(reverse("network:country", args=["rs"])).content.decode()
    assert home_agency.name in client.get(reverse("network:region", args=["SEEE"])).content.decode()
    assert client.get(reverse("network:country", args=["zz"])).status_code == 404


def test_password_reset_mail_goes_to_backend(client, member, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_times_are_stored_in_utc_and_shown_in_the_viewers_time_zone(
    client_for, agency_admin, unvetted, home_agency
):
    import datetime

    membership = unvetted.expert.memberships.get()
    Membership.objects.filter(pk=membership.pk).update(
        requested=datetime.datetime(2026, 3, 1, 6, 30, tzinfo=datetime.UTC)
    )
    agency_admin.expert.timezone = "Asia/Almaty"  # UTC+5
    agency_admin.expert.save()
    page = client_for(agency_admin).get(home_agency.get_absolute_url()).content.decode()
    # The locale's day-month-year style (no US month/day), the zone named.
    assert "1 Mar 2026, 11:30 UTC+05" in page
    agency_admin.expert.timezone = "UTC"
    agency_admin.expert.save()
    page = client_for(agency_admin).get(home_agency.get_absolute_url()).content.decode()
    assert "1 Mar 2026, 06:30 UTC" in page


def test_staff_without_an_expert_profile_get_an_account_page_not_the_admin(client_for, staff):
    response = client_for(staff).get(reverse("network:profile"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="staff-profile"' in page and reverse("admin:index") in page


def test_agency_page_lists_its_members_a_page_at_a_time(client_for, member, home_agency):
    for i in range(MEMBERS_PAGE_SIZE + 2):
        factories.expert(agency=home_agency, full_name=f"Member {i:03d}")
    client = client_for(member)
    first = client.get(home_agency.get_absolute_url())
    second = client.get(home_agency.get_absolute_url() + "?page=2")
    listed = [m.expert.full_name for m in first.context["members"]]
    rest = [m.expert.full_name for m in second.context["members"]]
    assert len(listed) == MEMBERS_PAGE_SIZE
    assert not set(listed) & set(rest)
    everyone = Membership.objects.filter(agency=home_agency, status=Membership.Status.APPROVED)
    assert sorted(listed + rest) == sorted(everyone.values_list("expert__full_name", flat=True))
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in second.content.decode()


def test_an_expert_of_two_agencies_is_listed_once(client_for, member, directory, other_agency):
    Membership.objects.create(
        expert=directory["bojan"], agency=other_agency, status=Membership.Status.APPROVED
    )
    client = client_for(member)
    assert names(client.get(reverse("network:experts"))).count("Bojan Đorđević") == 1
    by_agency = client.get(reverse("network:experts") + "?agency=other-agency")
    assert names(by_agency).count("Bojan Đorđević") == 1
    assert by_agency.context["page"].paginator.count == len(names(by_agency))
