"""The README's API workflow through the generated client (run by the generator venv's python).

``python workflow.py BASE_URL PUBLISHER_TOKEN FOLLOWER_TOKEN AGENCY``: create and publish a
procedure, the follower follows it, then revise, edit with the ETag, submit and publish;
the follower finds the notice in the inbox and the new text by search. Every module of the
generated package is imported first. Prints one JSON object with what it saw.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time

import frontline_client
from frontline_client import AuthenticatedClient, Client
from frontline_client.api.follows import follows_create
from frontline_client.api.inbox import inbox_list
from frontline_client.api.search import search_retrieve
from frontline_client.api.sops import sops_create, sops_list, sops_revisions_create
from frontline_client.api.versions import (
    versions_partial_update,
    versions_publish_create,
    versions_retrieve,
    versions_submit_create,
)
from frontline_client.models import (
    ChangeKindEnum,
    FollowRequest,
    PatchedVersionUpdateRequest,
    PublishRequest,
    RevisionRequest,
    SOPCreateRequest,
    SubscriptionKindEnum,
    VisibilityEnum,
)


def imported_modules() -> int:
    names = [m.name for m in pkgutil.walk_packages(frontline_client.__path__, "frontline_client.")]
    for name in names:
        importlib.import_module(name)
    return len(names)


def ok(response, status: int):
    if response.status_code != status:
        raise SystemExit(f"expected {status}, got {response.status_code}: {response.content!r}")
    return response.parsed


def wait_for(probe, what: str, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


def main(base_url: str, publisher_token: str, follower_token: str, agency: str) -> dict:
    modules = imported_modules()
    system = AuthenticatedClient(base_url=base_url, token=publisher_token)
    follower = AuthenticatedClient(base_url=base_url, token=follower_token)
    anonymous = Client(base_url=base_url)

    first = ok(
        sops_create.sync_detailed(
            client=system,
            body=SOPCreateRequest(
                agency=agency,
                reference="GEN-001",
                title="Suspicious parcel at the border crossing",
                body="## Steps\n\nIsolate the parcel.\n",
                language="en",
                visibility=VisibilityEnum.PUBLIC,
            ),
        ),
        201,
    )
    ok(versions_publish_create.sync_detailed(first.id, client=system, body=PublishRequest()), 200)
    ok(
        follows_create.sync_detailed(
            client=follower,
            body=FollowRequest(kind=SubscriptionKindEnum.SOP, target=str(first.sop)),
        ),
        201,
    )

    draft = ok(
        sops_revisions_create.sync_detailed(
            first.sop, client=system, body=RevisionRequest(change_kind=ChangeKindEnum.MAJOR)
        ),
        201,
    )
    read = versions_retrieve.sync_detailed(draft.id, client=system)
    etag = read.headers["ETag"]
    edited = ok(
        versions_partial_update.sync_detailed(
            draft.id,
            client=system,
            if_match=etag,
            body=PatchedVersionUpdateRequest(
                body="## Steps\n\nIsolate the parcel. Call the quarantine officer.\n"
            ),
        ),
        200,
    )
    stale = versions_partial_update.sync_detailed(
        draft.id, client=system, if_match=etag, body=PatchedVersionUpdateRequest(title="Lost")
    )
    submitted = ok(versions_submit_create.sync_detailed(draft.id, client=system), 200)
    published = ok(
        versions_publish_create.sync_detailed(
            draft.id,
            client=system,
            body=PublishRequest(change_summary="The quarantine officer is called."),
        ),
        200,
    )

    def notified():
        inbox = ok(inbox_list.sync_detailed(client=follower), 200)
        return [n.id for n in inbox.results if n.link.endswith(f"/versions/{draft.id}/")]

    def found():
        results = ok(search_retrieve.sync_detailed(client=anonymous, q="quarantine"), 200)
        return [hit.id for hit in results.results]

    listed = ok(sops_list.sync_detailed(client=anonymous, agency=agency), 200)
    return {
        "modules": modules,
        "sop": first.sop,
        "etag_changed": edited.etag != etag,
        "stale_status": stale.status_code,
        "submitted": submitted.status.value,
        "published": [published.status.value, published.number],
        "listed": [s.reference for s in listed.results],
        "notified": len(wait_for(notified, "the follower's notification")),
        "found": wait_for(found, "the new text in search"),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
