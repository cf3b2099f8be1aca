"""What only the real server shows: under daphne a malformed multipart body reaches Django
(Twisted would answer a bare 400 with no body itself) and gets the API's JSON error."""

from __future__ import annotations

import json

import pytest

from api.services import token_create
from tests.http_client import Http


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--c6--\r\n", "multipart/form-data; boundary=c6"),
        (b"xx", "multipart/form-data"),
    ],
)
def test_malformed_multipart_gets_the_json_error_body(
    daphne_server, editor, make_sop, body, content_type
):
    draft = make_sop(publish=False)
    client = Http(daphne_server)
    client.token = token_create(by=editor, name="system")[1]
    status, headers, raw = client.call(
        "POST", f"/api/v1/versions/{draft.pk}/attachments/", body, content_type=content_type
    )
    assert status == 400
    assert headers["Content-Type"] == "application/json"
    assert json.loads(raw)["error"]["status"] == 400
    assert not draft.attachments.exists()
