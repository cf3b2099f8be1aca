"""The offline kit's endpoints in the security matrix: the kit, the reconnect check and
the queued acknowledgements give each persona what they may see and nothing else, not
even as a count; bad input gets a reason and changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from network import services as network_services
from network.models import Membership
from offline import services as offline_services
from offline.models import KitSettings, QueuedAcknowledgement
from sops.models import Acknowledgement
from tests.security.conftest import NON_VIEWERS, ROLES, SECRET_WORD, VIEWERS

KIT = "/offline/api/kit/?text=1"
CHECK = "/offline/api/check/"
ACK = "/offline/api/acknowledgements/"


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _keep(client, restricted):
    return client.post("/offline/keep/", {"kind": "sop", "target": restricted.sop.pk})


@pytest.mark.parametrize("role", ROLES)
def test_kit_and_check_give_the_agency_only_procedure_only_to_those_who_may_see_it(
    role, restricted, page_client
):
    client = page_client(role)
    kept = _keep(client, restricted)
    response = client.get(KIT)
    body = response.content
    page = client.get("/offline/")
    if role == "anonymous":
        assert response.status_code == 401 and page.status_code == 302
        assert kept.status_code == 302 and "/accounts/login/" in kept["Location"]
    elif role in VIEWERS:
        assert kept.status_code == 302
        entries = {e["id"]: e for e in response.json()["entries"]}
        entry = entries[restricted.sop.pk]
        assert entry["version_id"] == restricted.published.pk
        assert entry["etag"] and entry["url"] == restricted.sop.get_absolute_url()
        assert [a["id"] for a in entry["attachments"]] == [restricted.attachment.pk]
        assert SECRET_WORD in entry["text"]
        # The kit carries the version in force, never the draft.
        assert str(restricted.draft.pk) not in json.dumps(
            [e["version_id"] for e in entries.values()]
        )
        assert SECRET_WORD.encode() in page.content
    else:
        assert kept.status_code == 404
        assert response.status_code == 200 and response.json()["entries"] == []
        assert SECRET_WORD.encode() not in body and SECRET_WORD.encode() not in page.content
    if role != "anonymous":
        assert "no-store" in response["Cache-Control"]
    _check_tells_nobody_more_than_they_may_see(role, restricted, client)


def _check_tells_nobody_more_than_they_may_see(role, restricted, client):
    held = {str(restricted.sop.pk): restricted.published.pk}
    response = _post(client, CHECK, {"held": held})
    if role == "anonymous":
        assert response.status_code == 401
        return
    result = response.json()
    assert SECRET_WORD.encode() not in response.content
    if role in VIEWERS:
        assert result["changed"] == [] and result["removed"] == []
        # A device holding a draft's id hears of the version in force, not of the draft.
        stale = _post(client, CHECK, {"held": {str(restricted.sop.pk): restricted.draft.pk}})
        (changed,) = stale.json()["changed"]
        assert changed["to"] == "1.0" and changed["from"] == ""
    else:
        # What the device claimed to hold goes; nothing is added.
        assert result["removed"] == [restricted.sop.pk]
        assert result["changed"] == [] and result["added"] == []


def test_check_is_small_when_nothing_changed(restricted, page_client):
    client = page_client("member")
    kit = client.get("/offline/api/kit/").json()
    held = {str(e["id"]): e["version_id"] for e in kit["entries"]}
    response = _post(client, CHECK, {"held": held})
    assert response.json()["changed"] == []
    assert len(response.content) < 5 * 1024


@pytest.mark.parametrize("role", ROLES)
def test_queued_acknowledgement_counts_once_and_only_for_those_who_may_see(
    role, restricted, page_client
):
    client = page_client(role)
    client_id = str(uuid.uuid4())
    data = {
        "client_id": client_id,
        "version_id": restricted.published.pk,
        "read_at": timezone.now().isoformat(),
    }
    first = _post(client, ACK, data)
    again = _post(client, ACK, data)
    acks = Acknowledgement.objects.filter(version=restricted.published)
    if role in VIEWERS:
        assert (first.status_code, again.status_code) == (201, 200)
        assert (
            first.json()["counted"] and first.json()["received_at"] == again.json()["received_at"]
        )
        assert acks.count() == 1
        assert QueuedAcknowledgement.objects.get().read_at <= timezone.now()
    else:
        assert first.status_code == (401 if role == "anonymous" else 404)
        assert SECRET_WORD.encode() not in first.content
        assert not acks.exists() and not QueuedAcknowledgement.objects.exists()


def test_a_draft_cannot_be_acknowledged_from_a_device(restricted, page_client):
    for role in ("member", "editor"):
        response = _post(
            page_client(role),
            ACK,
            {
                "client_id": str(uuid.uuid4()),
                "version_id": restricted.draft.pk,
                "read_at": timezone.now().isoformat(),
            },
        )
        assert response.status_code in (404, 409), (role, response.status_code)
    assert not QueuedAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    ("url", "data", "reason"),
    [
        (ACK, {"client_id": "not-a-uuid", "version_id": 1, "read_at": "2026-01-01T00:00Z"}, "UUID"),
        (ACK, {"client_id": str(uuid.uuid4()), "version_id": "1", "read_at": "x"}, "version_id"),
        (
            ACK,
            {"client_id": str(uuid.uuid4()), "version_id": 1, "read_at": "2026-01-01"},
            "read_at",
        ),
        (CHECK, {"held": [1, 2]}, "held"),
        (CHECK, {"held": {"a": "b"}}, "held"),
        (CHECK, {"held": {str(i): i for i in range(2001)}}, "held"),
    ],
)
def test_bad_input_gets_a_reason_and_changes_nothing(url, data, reason, page_client):
    response = _post(page_client("member"), url, data)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert not QueuedAcknowledgement.objects.exists()


def test_not_json_and_a_future_reading_time_are_refused(restricted, page_client):
    client = page_client("member")
    assert client.post(ACK, "{", content_type="application/json").status_code == 400
    future = timezone.now() + timezone.timedelta(days=1)
    response = _post(
        client,
        ACK,
        {
            "client_id": str(uuid.uuid4()),
            "version_id": restricted.published.pk,
            "read_at": future.isoformat(),
        },
    )
    assert response.status_code == 400 and "clock" in response.json()["detail"]
    assert not Acknowledgement.objects.exists()


def test_kit_posts_need_the_csrf_token(restricted, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert _post(client, CHECK, {"held": {}}).status_code == 403
    assert _post(client, ACK, {}).status_code == 403
    assert client.post("/offline/keep/", {"kind": "sop", "target": 1}).status_code == 403


def test_a_shared_device_keeps_agency_only_procedures_only_if_the_agency_allows(
    restricted, page_client, member, agency_admin, home_agency
):
    client = page_client("member")
    ids = lambda: [e["id"] for e in client.get(KIT).json()["entries"]]  # noqa: E731
    assert restricted.sop.pk in ids()
    offline_services.kit_settings_update(
        by=member, keep_own_agency=True, max_attachment_bytes=0, shared_device=True
    )
    assert restricted.sop.pk not in ids()
    with pytest.raises(offline_services.NotAllowed):
        offline_services.kit_agency_policy_set(
            by=member, agency=home_agency, allow_shared_devices=True
        )
    offline_services.kit_agency_policy_set(
        by=agency_admin, agency=home_agency, allow_shared_devices=True
    )
    (entry,) = [e for e in client.get(KIT).json()["entries"] if e["id"] == restricted.sop.pk]
    # The member's limit of 0 bytes: the attachment is listed, not kept.
    assert [a["kept"] for a in entry["attachments"]] == [False]


def test_removal_from_the_agency_changes_access_and_empties_the_kit(
    restricted, page_client, member, agency_admin
):
    client = page_client("member")
    before = client.get("/offline/api/session/").json()["access"]
    membership = Membership.objects.get(expert__user=member)
    network_services.membership_remove(membership=membership, by=agency_admin)
    after = client.get("/offline/api/session/")
    result = _post(client, CHECK, {"held": {str(restricted.sop.pk): restricted.published.pk}})
    assert after.json()["access"] != before
    assert result.json()["removed"] == [restricted.sop.pk]
    assert KitSettings.for_user(member).pk is None  # nothing was written for the check


@pytest.mark.parametrize("role", NON_VIEWERS)
def test_settings_and_policy_pages_refuse_or_redirect(role, page_client, home_agency):
    client = page_client(role)
    response = client.post(f"/offline/agency/{home_agency.code}/", {"allow_shared_devices": "on"})
    assert response.status_code == 302
    from offline.models import KitAgencyPolicy

    assert not KitAgencyPolicy.objects.exists()


def test_service_worker_and_manifest_are_served_from_the_root(client):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Service-Worker-Allowed"] == "/"
    manifest = client.get("/manifest.webmanifest")
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["display"] == "standalone" and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(name), icon["src"]
