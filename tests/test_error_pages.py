"""Refusals are the site's own pages: the layout, a main landmark, the service's message,
a sign-in link where signing in would help, one log line without a traceback; the same
with DEBUG on (no URL pattern listing) and off."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from sops.models import SOP

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    text = response.content.decode()
    assert "<main" in text and 'data-testid="error-page"' in text, text[:500]
    assert "Frontline</strong>" in text  # the site header
    return text


@pytest.mark.parametrize("debug", [True, False])
def test_forbidden_page_shows_the_services_message_in_the_layout(
    debug, client_for, member, settings, caplog
):
    settings.DEBUG = debug
    with caplog.at_level(logging.INFO):
        response = client_for(member).get("/audit/")
    assert response.status_code == 403
    text = _page(response)
    assert "Only platform staff and agency admins can read the audit trail." in text
    assert "error-sign-in" not in text  # signed in already: signing in would not help
    assert not [r for r in caplog.records if r.exc_info], "a refusal is not logged as a crash"
    assert any("read the audit trail" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("debug", [True, False])
def test_signed_out_visitor_of_a_network_sop_is_asked_to_sign_in(debug, client, make_sop, settings):
    settings.DEBUG = debug
    sop = make_sop(visibility=SOP.Visibility.NETWORK).sop
    response = client.get(f"/sops/{sop.pk}/")
    assert response.status_code == 404
    text = _page(response)
    assert "Sign in to read this procedure." in text
    assert f"/accounts/login/?next=%2Fsops%2F{sop.pk}%2F" in text
    assert "URLconf" not in text and "urlpatterns" not in text
    # A procedure that does not exist gets the very same answer: existence does not leak.
    missing = client.get(f"/sops/{sop.pk + 1000}/")
    assert missing.status_code == 404
    assert "Sign in to read this procedure." in _page(missing)


def test_member_who_may_not_see_a_procedure_is_not_told_to_sign_in(client_for, outsider, make_sop):
    sop = make_sop(visibility=SOP.Visibility.AGENCY).sop
    response = client_for(outsider).get(f"/sops/{sop.pk}/")
    assert response.status_code == 404
    text = _page(response)
    assert "No such procedure." in text and "error-sign-in" not in text


def test_django_lookup_texts_are_not_shown(client_for, member):
    response = client_for(member).get("/agencies/no-such-agency/")
    assert response.status_code == 404
    text = _page(response)
    assert "matches the given query" not in text
    assert "There is no such page, or you may not see it." in text


@override_settings(DEBUG=False)
def test_unknown_url_without_debug_is_the_styled_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = _page(response)
    assert "There is no such page" in text and "error-sign-in" in text


def test_server_error_page_stands_alone(rf):
    from frontline.error_pages import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "<main" in text and "Something went wrong" in text


def test_too_many_sign_ins_is_a_styled_429_with_the_reason(client, member, settings):
    settings.FRONTLINE_RATE_LIMITS = {"login-account": (1, 900)}
    client.post("/accounts/login/", {"username": "member", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "member", "password": "wrong"})
    assert response.status_code == 429
    text = response.content.decode()
    assert "<main" in text and "Too many failed sign-ins" in text


def test_api_refusals_keep_their_json_body(client, make_sop):
    sop = make_sop(visibility=SOP.Visibility.NETWORK).sop
    response = client.get(f"/api/v1/sops/{sop.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_a_bad_host_gets_the_styled_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert 'data-testid="error-page"' in response.content.decode()


def test_a_form_without_its_security_token_gets_the_styled_page_saying_what_to_do(member):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    response = browser.post("/accounts/logout/")
    assert response.status_code == 403
    text = _page(response)
    assert "reload the page and send the form again" in text
    assert "CSRF token" not in text  # the failed check's own reason stays in the log
