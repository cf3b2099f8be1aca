"""One sign-in path with its limits; lock-outs that an attacker elsewhere cannot cause;
sign-up limited per address, one account per e-mail address, confirmed by a signed link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from network.models import Expert, Membership
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, address="10.0.0.1", url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_admin_login_page_is_the_sites_sign_in_and_counts_against_its_limits(staff):
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/?next=/admin/")
    # The admin's own form is never served: a password posted there signs nobody in.
    for _ in range(12):
        posted = _sign_in(client, "staff", "wrong", url="/admin/login/")
        assert posted.status_code == 302 and "_auth_user_id" not in client.session
    assert _sign_in(client, "staff", PASSWORD, url="/admin/login/").status_code == 302
    assert "_auth_user_id" not in client.session
    # The one sign-in page locks after five failures, whatever the right password.
    for _ in range(5):
        assert _sign_in(client, "staff", "wrong").status_code == 200
    locked = _sign_in(client, "staff", PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_admin_sends_an_unsigned_visitor_to_the_one_sign_in_page(db):
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_failures_from_elsewhere_do_not_lock_the_account_out(member):
    attacker = Client()
    for _ in range(6):
        _sign_in(attacker, "member", "wrong", address="203.0.113.9")
    assert _sign_in(attacker, "member", PASSWORD, address="203.0.113.9").status_code == 429
    owner = Client()
    assert _sign_in(owner, "member", PASSWORD, address="198.51.100.7").status_code == 302
    assert owner.session["_auth_user_id"] == str(member.pk)


def _sign_up(client, address="10.1.1.1", **fields):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.org",
        "password1": "a-long-passphrase-2026",
        "password2": "a-long-passphrase-2026",
        "full_name": "New Comer",
        "position": "",
        **fields,
    }
    return client.post(reverse("network:sign_up"), data, REMOTE_ADDR=address)


def test_sign_up_is_limited_per_address(member, home_agency, settings):
    settings.FRONTLINE_RATE_LIMITS = {"signup-address": (3, 3600)}
    client = Client()
    for n in range(3):  # probing whether names exist
        response = _sign_up(client, username="member", agency=home_agency.pk, email=f"{n}@x.org")
        assert response.status_code == 200
    limited = _sign_up(client, username="probe", agency=home_agency.pk)
    assert limited.status_code == 429
    assert "Too many sign-ups" in limited.content.decode()
    assert "is taken" not in limited.content.decode()
    assert _sign_up(Client(), address="10.1.1.2", agency=home_agency.pk).status_code == 302


def test_one_account_per_e_mail_address_whatever_its_case(member, home_agency):
    response = _sign_up(Client(), email="MEMBER@Example.ORG", agency=home_agency.pk)
    assert response.status_code == 200
    assert "An account with this e-mail address exists already" in response.content.decode()
    assert not Expert.objects.filter(full_name="New Comer").exists()


def test_approval_waits_for_the_signed_e_mail_link(
    home_agency, agency_admin, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FRONTLINE_BASE_URL = "https://frontline.example"
    applicant = Client()
    with django_capture_on_commit_callbacks(execute=True):
        with_mail = _sign_up(applicant, agency=home_agency.pk)
    assert with_mail.status_code == 302
    membership = Membership.objects.get(expert__full_name="New Comer")
    link = re.search(r"https://frontline\.example(/signup/verify/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body

    admin = Client()
    admin.force_login(agency_admin)
    page = admin.get(home_agency.get_absolute_url()).content.decode()
    assert 'data-testid="approve-waits"' in page
    assert reverse("network:membership_approve", args=[membership.pk]) not in page
    refused = admin.post(reverse("network:membership_approve", args=[membership.pk]), follow=True)
    assert "has not confirmed their e-mail address" in refused.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING

    forged = Client().get(link.group(1)[:-3] + "xx/")
    assert forged.status_code == 400
    opened = Client().get(link.group(1))  # from any mail client, signed in or not
    assert opened.status_code == 200 and 'data-testid="email-confirmed"' in opened.content.decode()
    assert Client().get(link.group(1)).status_code == 400  # used once

    admin.post(reverse("network:membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


def test_applicant_and_rejected_profiles_are_hidden_from_other_members(
    member, unvetted, home_agency, agency_admin
):
    rejected = factories.expert(
        agency=home_agency, status=Membership.Status.REJECTED, username="rejected"
    )
    applicant = unvetted.expert
    viewer = Client()
    viewer.force_login(member)
    for expert in (applicant, rejected):
        page = viewer.get(expert.get_absolute_url())
        assert page.status_code == 404
        assert expert.user.email not in page.content.decode()
        api = viewer.get(f"/api/v1/experts/{expert.pk}/")
        assert api.status_code == 404
    listing = viewer.get(reverse("network:experts") + "?q=Expert").content.decode()
    assert applicant.full_name not in listing and rejected.full_name not in listing
    search = viewer.get("/search/?q=" + applicant.full_name.split()[-1]).content.decode()
    assert applicant.get_absolute_url() not in search
    # The admins vetting the request, and the applicant, still see it.
    vetting = Client()
    vetting.force_login(agency_admin)
    assert vetting.get(applicant.get_absolute_url()).status_code == 200
    assert vetting.get(rejected.get_absolute_url()).status_code == 404
    own = Client()
    own.force_login(unvetted)
    assert own.get(applicant.get_absolute_url()).status_code == 200
