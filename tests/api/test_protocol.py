"""HTTP as the schema and RFC 9110 state it: JSON error bodies for every method and path,
If-Match as specified, 409 for state conflicts, query parameters read strictly."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import token_create
from sops.models import SOPVersion


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_method_to_an_unmatched_path_gets_the_json_404(method, editor, client_for):
    """Even with a session cookie and no CSRF token, as schemathesis's client sends."""
    _token, raw = token_create(by=editor, name="system")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for path in ("/api/v1/follows/null,null/", "/api/v1/nothing/", "/api/v1/versions/x/"):
        error = _error(getattr(client, method)(path), 404)
        assert error["message"] == "There is no such API endpoint."


def test_request_bodies_are_json_only_except_the_upload(api_as, editor, make_sop):
    sop = make_sop().sop
    response = api_as(editor).post(
        f"/api/v1/sops/{sop.pk}/revisions/", {"change_kind": "minor"}, format="multipart"
    )
    assert "Unsupported media type" in _error(response, 415)["message"]
    assert not sop.versions.filter(status=SOPVersion.Status.DRAFT).exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--abc--\r\n", "multipart/form-data; boundary=abc"),
        (b"--abc\r\nbroken", "multipart/form-data"),
    ],
)
def test_malformed_multipart_upload_is_a_400_with_the_error_body(
    api_as, editor, make_sop, body, content_type
):
    draft = make_sop(publish=False)
    response = api_as(editor).generic(
        "POST", f"/api/v1/versions/{draft.pk}/attachments/", body, content_type=content_type
    )
    assert _error(response, 400)["message"]
    assert not draft.attachments.exists()


def test_if_match_star_saves_over_any_current_text(api_as, editor, make_sop):
    draft = make_sop(publish=False)
    response = api_as(editor).patch(
        f"/api/v1/versions/{draft.pk}/", {"title": "Starred"}, HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200 and response.json()["title"] == "Starred"
    assert response["ETag"] == f'"{draft.pk}-1"'


@pytest.mark.parametrize("header", ["abc", '"unterminated', "1-0", '"1-0",'])
def test_malformed_if_match_is_a_400_and_changes_nothing(api_as, editor, make_sop, header):
    draft = make_sop(publish=False)
    response = api_as(editor).patch(
        f"/api/v1/versions/{draft.pk}/", {"title": "Lost"}, HTTP_IF_MATCH=header
    )
    assert "If-Match" in _error(response, 400)["fields"]
    draft.refresh_from_db()
    assert draft.title != "Lost" and draft.edit_count == 0


def test_well_formed_but_stale_if_match_is_a_412(api_as, editor, make_sop):
    draft = make_sop(publish=False)
    response = api_as(editor).patch(
        f"/api/v1/versions/{draft.pk}/", {"title": "Lost"}, HTTP_IF_MATCH='"999-9", W/"1-7"'
    )
    _error(response, 412)


def test_state_conflicts_answer_409(api_as, editor, publisher, make_sop):
    draft = make_sop(publish=False)
    client = api_as(editor)
    assert client.post(f"/api/v1/versions/{draft.pk}/submit/").status_code == 200
    error = _error(client.post(f"/api/v1/versions/{draft.pk}/submit/"), 409)
    assert error["message"] == "Cannot submit a version that is in review."
    published = make_sop("BIO-002")
    client.post(f"/api/v1/sops/{published.sop_id}/revisions/")
    _error(client.post(f"/api/v1/sops/{published.sop_id}/revisions/"), 409)


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/sops/?topic=",
        "/api/v1/sops/?agency=",
        "/api/v1/sops/?status=",
        "/api/v1/sops/?page_size=null",
        "/api/v1/sops/?page_size=0",
        "/api/v1/sops/?page_size=101",
        "/api/v1/sops/?page_size=5&page_size=6",
        "/api/v1/sops/?country=%09",
        "/api/v1/sops/?page=abc",
        "/api/v1/topics/?kind=",
        "/api/v1/agencies/?kind=",
        "/api/v1/agencies/?country=SRB",
        "/api/v1/inbox/?unread=",
        "/api/v1/search/?topic=",
        "/api/v1/search/?q=a&q=b",
    ],
)
def test_query_values_the_schema_forbids_are_a_400(api_as, member, query):
    error = _error(api_as(member).get(query), 400)
    name = query.split("?")[1].split("=")[0]
    assert name in error["fields"], error


def test_empty_text_query_is_no_filter(api_as, member, make_sop):
    make_sop(visibility="public")
    body = api_as(member).get("/api/v1/sops/?q=").json()
    assert body["count"] == 1
