"""The capacity API: an assessment drafted, scored, submitted and validated over HTTP,
and the heat map answering with what was validated."""

from __future__ import annotations

from rest_framework.test import APIClient

from api.services import token_create
from capacity.models import Indicator


def _api(user) -> APIClient:
    client = APIClient()
    _token, raw = token_create(by=user, name="capacity test")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_workflow_over_the_api(editor, outsider, publisher, home_agency):
    author, reviewer = _api(editor), _api(outsider)
    created = author.post(
        "/api/v1/capacity/assessments/",
        {"lead_agency": home_agency.code, "year": 2025, "tlp": "green"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = author.post(
        f"/api/v1/capacity/assessments/{pk}/scores/",
        {"indicator": "nope", "level": 2},
        format="json",
    )
    assert bad.status_code == 400 and "indicator" in bad.json()["error"]["fields"]
    unjustified = author.post(
        f"/api/v1/capacity/assessments/{pk}/scores/",
        {"indicator": "legal-framework", "level": 3}, format="json",
    )  # fmt: skip
    assert (
        unjustified.status_code == 400 and "justification" in unjustified.json()["error"]["message"]
    )
    for indicator in Indicator.objects.all():
        r = author.post(
            f"/api/v1/capacity/assessments/{pk}/scores/",
            {"indicator": indicator.code, "level": 3, "justification": "In place."}, format="json",
        )  # fmt: skip
        assert r.status_code == 200
    own = author.post(
        f"/api/v1/capacity/assessments/{pk}/submit/", {"reviewer": publisher.pk}, format="json"
    )
    assert own.status_code == 400  # a colleague is no independent reviewer
    assert (
        author.post(
            f"/api/v1/capacity/assessments/{pk}/submit/", {"reviewer": outsider.pk}, format="json"
        ).status_code
        == 200
    )
    assert (
        author.post(f"/api/v1/capacity/assessments/{pk}/validate/", {}, format="json").status_code
        == 403
    )
    done = reviewer.post(
        f"/api/v1/capacity/assessments/{pk}/validate/", {"comment": "ok"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "validated"
    assert done.json()["tlp_label"] == "TLP:GREEN"
    heat = reviewer.get("/api/v1/capacity/heat-map/").json()
    rs = next(r for r in heat["rows"] if r["country"] == "RS")
    assert heat["year"] == 2025 and rs["assessment"] == pk and set(rs["levels"].values()) == {3}
    # Anonymous: a GREEN assessment is not there, not even as a number.
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/capacity/assessments/{pk}/").status_code == 404
    assert anonymous.get("/api/v1/capacity/assessments/").json()["count"] == 0
    assert anonymous.get("/api/v1/capacity/heat-map/").json()["years"] == []
