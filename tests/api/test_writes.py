"""Writing over the API: the same services, permissions and events as the pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from events.models import Event
from sops import services
from sops.models import SOP
from tests.api.conftest import PDF

NEW_SOP = {
    "agency": "home-agency",
    "reference": "BIO-100",
    "title": "Sampling a suspicious powder",
    "body": "## Steps\n\nDo not open the envelope.\n",
    "language": "en",
    "visibility": "agency",
}


def test_editor_creates_sop_and_draft(api_as, editor, english):
    response = api_as(editor).post("/api/v1/sops/", NEW_SOP, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["title"] == NEW_SOP["title"]
    assert response["ETag"] == f'"{data["id"]}-0"'
    sop = SOP.objects.get(reference="BIO-100")
    assert sop.visibility == "agency" and sop.created_by == editor


def test_member_may_not_create_and_gets_a_clear_403(api_as, member, english):
    response = api_as(member).post("/api/v1/sops/", NEW_SOP, format="json")
    assert response.status_code == 403
    assert "Only editors and publishers" in response.json()["error"]["message"]
    assert not SOP.objects.exists()


def test_anonymous_write_is_401(api, english):
    response = api.post("/api/v1/sops/", NEW_SOP, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_duplicate_reference_is_refused_with_the_services_message(api_as, editor, make_sop):
    make_sop("BIO-100")
    response = api_as(editor).post("/api/v1/sops/", NEW_SOP, format="json")
    assert response.status_code == 409
    assert "already has a procedure BIO-100" in response.json()["error"]["message"]


def test_edit_needs_if_match_and_refuses_a_stale_one(api_as, editor, make_sop):
    draft = make_sop(publish=False)
    client = api_as(editor)
    etag = client.get(f"/api/v1/versions/{draft.pk}/")["ETag"]
    missing = client.patch(f"/api/v1/versions/{draft.pk}/", {"title": "New"}, format="json")
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["error"]["message"]
    ok = client.patch(
        f"/api/v1/versions/{draft.pk}/", {"title": "New"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200 and ok.json()["title"] == "New"
    assert ok["ETag"] != etag
    stale = client.patch(
        f"/api/v1/versions/{draft.pk}/", {"title": "Lost?"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["error"]["message"]
    draft.refresh_from_db()
    assert draft.title == "New" and draft.edit_count == 1


def test_put_replaces_the_editable_fields(api_as, editor, make_sop):
    draft = make_sop(publish=False)
    client = api_as(editor)
    response = client.put(
        f"/api/v1/versions/{draft.pk}/",
        {"title": "Whole", "body": "New text", "change_kind": "minor"},
        format="json",
        HTTP_IF_MATCH=f'W/"{draft.pk}-0"',
    )
    assert response.status_code == 200
    assert response.json()["body"] == "New text"
    incomplete = client.put(
        f"/api/v1/versions/{draft.pk}/",
        {"title": "No body"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert incomplete.status_code == 400
    assert "body" in incomplete.json()["error"]["fields"]


def test_published_version_cannot_be_edited(api_as, editor, make_sop):
    version = make_sop()
    client = api_as(editor)
    etag = client.get(f"/api/v1/versions/{version.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/versions/{version.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 409
    assert "published" in response.json()["error"]["message"]


def test_submit_publish_withdraw_and_revise(api_as, editor, publisher, make_sop):
    draft = make_sop(publish=False)
    assert api_as(editor).post(f"/api/v1/versions/{draft.pk}/submit/").json()["status"] == (
        "in_review"
    )
    refused = api_as(editor).post(f"/api/v1/versions/{draft.pk}/publish/", {}, format="json")
    assert refused.status_code == 403
    published = api_as(publisher).post(f"/api/v1/versions/{draft.pk}/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["number"] == "1.0"
    assert Event.objects.filter(kind="sop.published").count() == 1
    revision = api_as(editor).post(
        f"/api/v1/sops/{draft.sop_id}/revisions/", {"change_kind": "major"}, format="json"
    )
    assert revision.status_code == 201 and revision.json()["based_on"] == draft.pk
    no_reason = api_as(publisher).post(f"/api/v1/versions/{draft.pk}/withdraw/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    withdrawn = api_as(publisher).post(
        f"/api/v1/versions/{draft.pk}/withdraw/", {"reason": "Replaced by law"}, format="json"
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert (
        list(AuditEntry.objects.order_by("id").values_list("action", flat=True)).count(
            "sop.withdrawn"
        )
        == 1
    )


def test_return_sends_a_version_back_with_a_reason(api_as, editor, publisher, make_sop):
    draft = make_sop(publish=False)
    api_as(editor).post(f"/api/v1/versions/{draft.pk}/submit/")
    response = api_as(publisher).post(
        f"/api/v1/versions/{draft.pk}/return/", {"reason": "Add the phone number"}, format="json"
    )
    assert response.json()["status"] == "draft"
    assert response.json()["returned_reason"] == "Add the phone number"


def test_adapt_another_agencys_procedure(api_as, outsider, other_agency, make_sop):
    source = make_sop()
    response = api_as(outsider).post(
        f"/api/v1/versions/{source.pk}/adapt/",
        {"agency": other_agency.code, "reference": "UA-BIO-1"},
        format="json",
    )
    assert response.status_code == 201
    adapted = SOP.objects.get(reference="UA-BIO-1")
    assert adapted.agency == other_agency and adapted.adapted_from_id == source.pk


def test_attach_a_pdf_and_download_it(api_as, editor, member, make_sop, publisher):
    draft = make_sop(publish=False)
    upload = SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")
    response = api_as(editor).post(
        f"/api/v1/versions/{draft.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    attachment = response.json()
    assert attachment["content_type"] == "application/pdf" and attachment["size"] == len(PDF)
    assert api_as(member).get(attachment["download_url"]).status_code == 404
    services.version_publish(version=draft, by=publisher)
    download = api_as(member).get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_upload_refused_by_content_and_size(api_as, editor, make_sop, settings):
    draft = make_sop(publish=False)
    client = api_as(editor)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        f"/api/v1/versions/{draft.pk}/attachments/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "Only PDF, DOCX, XLSX, PNG and JPEG" in response.json()["error"]["message"]
    settings.FRONTLINE_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = client.post(
        f"/api/v1/versions/{draft.pk}/attachments/", {"file": big}, format="multipart"
    )
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.json()["error"]["message"]
    json_body = client.post(
        f"/api/v1/versions/{draft.pk}/attachments/", {"file": "x"}, format="json"
    )
    assert json_body.status_code == 415
    assert not draft.attachments.exists()
