"""The offline kit: its size on a device, and the cost of the check when the link returns.

Prints figures, asserts nothing. Builds a throw-away embedded site (SQLite in a temporary
``FRONTLINE_VAR_DIR``, tasks in-process) with one agency, a member and ``--sops`` published
procedures of about 6 KB of text, each with one PDF attachment of ``--attachment-kb``, all in
the member's kit (their own agency). Requests go through Django's test client (the whole
middleware stack, no network), so times are the server's, bytes are the bodies.

* kit size on the device: each SOP page as the cache stores it, plus the attachments
  within the member's limit, plus the search index (the kit listing with texts);
* the reconnect check for all kept SOPs: one request, when nothing changed and when
  ``--changed`` got a new version, beside the peer a device without the check endpoint
  would need: one conditional request per procedure (here: a GET of each page).

    .venv/bin/python bench/offline.py
    .venv/bin/python bench/offline.py --sops 50 --changed 3 --attachment-kb 200 --runs 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(var_dir: str) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        FRONTLINE_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="frontline.settings",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def text(i: int) -> str:
    steps = "\n".join(
        f"{n}. Check the seal of parcel {i}-{n}, photograph it, note the time and call the "
        "duty officer of the laboratory before anything is opened or moved."
        for n in range(1, 40)
    )
    return f"## Steps\n\n{steps}\n"


def build(n: int, attachment_kb: int):
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from network.models import Membership
    from sops import services
    from sops.models import SOP
    from tests import factories

    settings.FRONTLINE_FOUR_EYES_DEFAULT = False
    agency = factories.agency("bench-border", name="Border Police", acronym="BP")
    publisher = factories.expert(agency=agency, role=Membership.Role.PUBLISHER, username="pub").user
    member = factories.expert(agency=agency, role=Membership.Role.MEMBER, username="mem").user
    pdf = b"%PDF-1.4\n" + b"0" * (attachment_kb * 1024 - 20) + b"\n%%EOF\n"
    sops = []
    for i in range(n):
        draft = services.sop_create(
            agency=agency,
            reference=f"BP-{i:03d}",
            title=f"Suspicious parcel number {i}",
            body=text(i),
            language=factories.language(),
            by=publisher,
            visibility=SOP.Visibility.AGENCY,
        )
        services.attachment_add(
            version=draft,
            by=publisher,
            uploaded=SimpleUploadedFile(f"form-{i}.pdf", pdf, "application/pdf"),
        )
        sops.append(services.version_publish(version=draft, by=publisher).sop)
    return publisher, member, sops


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sops", type=int, default=50)
    parser.add_argument("--changed", type=int, default=3)
    parser.add_argument("--attachment-kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontline-bench-offline-") as var_dir:
        setup(var_dir)
        run(args)


def run(args) -> None:
    from django.test import Client

    from sops import services

    print(f"building {args.sops} SOPs with one {args.attachment_kb} KB attachment each ...")
    publisher, member, sops = build(args.sops, args.attachment_kb)
    client = Client()
    client.force_login(member)

    kit_ms, kit = timed(lambda: client.get("/offline/api/kit/?text=1"), 1)
    entries = kit.json()["entries"]
    pages = sum(len(client.get(e["url"]).content) for e in entries)
    attachments = sum(a["size"] for e in entries for a in e["attachments"] if a["kept"])
    index = len(kit.content)
    shell = len(client.get("/offline/").content) + len(client.get("/offline/not-kept/").content)
    total = pages + attachments + index + shell
    print(f"\nkit on the device, {len(entries)} SOPs:")
    print(f"  pages         {pages / 1024:9.0f} KB  ({pages / len(entries) / 1024:.1f} KB a page)")
    print(f"  attachments   {attachments / 1024:9.0f} KB")
    print(f"  search index  {index / 1024:9.0f} KB  (the kit listing with texts, {kit_ms:.0f} ms)")
    print(f"  kit pages     {shell / 1024:9.0f} KB  (the kit page and the not-kept page)")
    print(f"  total         {total / 1024 / 1024:9.1f} MB")

    held = {str(e["id"]): e["version_id"] for e in entries}
    body = json.dumps({"held": held})

    def check():
        return client.post("/offline/api/check/", body, content_type="application/json")

    same_ms, same = timed(check, args.runs)
    for sop in sops[: args.changed]:
        draft = services.version_start_revision(sop=sop, by=publisher, change_kind="major")
        services.version_update(
            version=draft,
            by=publisher,
            expected_edit_count=None,
            body=draft.body + "\n40. Double-bag it.",
            change_summary="Double-bag.",
        )
        services.version_publish(version=draft, by=publisher)
    changed_ms, changed = timed(check, args.runs)
    per_page = [e["url"] for e in entries]
    peer_ms, _ = timed(lambda: [client.get(url) for url in per_page], max(1, args.runs // 5))
    peer_bytes = sum(len(client.get(url).content) for url in per_page)
    print(f"\nreconnect check, {len(held)} kept (median of {args.runs}):")
    print(
        f"  nothing changed   1 request, {len(body):5d} B sent, {len(same.content):5d} B back, "
        f"{same_ms:6.1f} ms  (target: under 5 KB)"
    )
    print(
        f"  {args.changed} changed         1 request, {len(body):5d} B sent, "
        f"{len(changed.content):5d} B back, {changed_ms:6.1f} ms  "
        f"({len(changed.json()['changed'])} reported changed)"
    )
    print(
        f"  peer: one GET per page  {len(per_page)} requests, {peer_bytes / 1024:.0f} KB back, "
        f"{peer_ms:6.1f} ms"
    )


if __name__ == "__main__":
    main()
