"""Every 4xx carries the one error body; session writes need CSRF; rates are limited."""

from __future__ import annotations

from django.test import Client

from sops.models import SOP


def test_method_not_allowed_uses_the_error_body(api):
    response = api.delete("/api/v1/sops/")
    assert response.status_code in (401, 405)
    body = response.json()["error"]
    assert set(body) == {"status", "message", "fields"}


def test_malformed_json_is_a_400_with_a_message(api_as, editor):
    response = api_as(editor).generic(
        "POST", "/api/v1/sops/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("JSON parse error")


def test_session_write_without_csrf_token_is_refused(editor, english):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        "/api/v1/sops/",
        {"agency": "home-agency", "reference": "X-1", "title": "t", "body": "b", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert not SOP.objects.exists()


def test_session_read_works_without_token(client_for, member, make_sop):
    make_sop(visibility=SOP.Visibility.AGENCY)
    assert client_for(member).get("/api/v1/sops/").json()["count"] == 1


def test_anonymous_rate_limit_answers_429(api, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "100/minute"},
    }
    codes = [api.get("/api/v1/topics/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    error = api.get("/api/v1/topics/").json()["error"]
    assert error["status"] == 429 and "throttled" in error["message"].lower()


def test_token_users_have_their_own_rate(api_as, member, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "2/minute"},
    }
    client = api_as(member)
    codes = [client.get("/api/v1/topics/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_forged_forwarded_for_header_buys_no_fresh_allowance(api, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"},
    }
    codes = [
        api.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_a_nul_character_in_a_lookup_is_a_400_and_creates_nothing(api_as, editor, english):
    """PostgreSQL cannot compare a NUL: the lookup used to raise a 500 (found by schemathesis)."""
    response = api_as(editor).post(
        "/api/v1/sops/",
        {
            "agency": "home-agency",
            "reference": "X-1",
            "title": "t",
            "body": "b",
            "language": "en",
            "topics": ["de\x00con"],
            "countries": ["R\x00"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"topics", "countries"}
    assert not SOP.objects.exists()
