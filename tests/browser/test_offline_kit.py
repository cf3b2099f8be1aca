"""The offline kit in Chromium, against daphne: keep, read without a link, search,
acknowledge offline, reconnect (one check: a revision fetched and announced, a withdrawn
procedure removed, the acknowledgement counted once), and sign-out empties the device.

Playwright's ``set_offline`` does not reach a service worker's own requests in Chromium
(microsoft/playwright#2311), so "the link is down" also aborts those, with the error a
real disconnection gives (Playwright's service-worker network events, turned on below).

"""

from __future__ import annotations

import os

import pytest
from django.test import Client
from playwright.sync_api import expect

from offline.models import QueuedAcknowledgement
from sops import services as sop_services
from sops.models import SOP, Acknowledgement
from tests import factories
from tests.notifications.conftest import publish_revision
from tests.waiting import wait_for

os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

KIT_STORED = "On this device: "
# Resolves once the service worker controls the page (a function: the CSP forbids eval).
WORKER_IN_CONTROL = """async () => {
  const inControl = (async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
    return true;
  })();
  const late = new Promise((resolve) => setTimeout(resolve, 15000, false));
  if (await Promise.race([inControl, late])) return "";
  const registrations = await navigator.serviceWorker.getRegistrations();
  const r = registrations[0];
  const st = (w) => (w ? w.state : "-");
  return `no worker in control: ${registrations.length} registrations, scope ${r && r.scope}, installing ${r && st(r.installing)}, waiting ${r && st(r.waiting)}, active ${r && st(r.active)}, controller ${navigator.serviceWorker.controller}`;
}"""


def _abort_worker_requests(route):
    if route.request.service_worker is not None:
        route.abort("internetdisconnected")
    else:
        route.continue_()


def go_offline(context):
    context.set_offline(True)
    context.route("**/*", _abort_worker_requests)


def go_online(context):
    context.unroute("**/*", _abort_worker_requests)
    context.set_offline(False)


def publish_new(*, publisher, reference, title, visibility=SOP.Visibility.NETWORK):
    agency = publisher.expert.memberships.get().agency
    draft = sop_services.sop_create(
        agency=agency,
        reference=reference,
        title=title,
        body=f"1. {title}: stop and call the laboratory.\n2. Seal the sample.",
        language=factories.language(),
        by=publisher,
        visibility=visibility,
    )
    sop_services.version_publish(version=draft, by=publisher)
    return SOP.objects.get(pk=draft.sop_id)


def signed_in(new_page, base_url: str, user):
    client = Client()
    client.force_login(user)
    page = new_page(service_workers="allow")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def kit_ids(page) -> list[int]:
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("frontline-offline", 1);
            open.onsuccess = () => {
              const all = open.result.transaction("entries").objectStore("entries").getAllKeys();
              all.onsuccess = () => resolve(all.result);
            };
          })"""
    )


def cached_paths(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
              if (!name.startsWith("frontline-kit-")) continue;
              for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname);
            }
            return out;
          }"""
    )


def test_member_reads_searches_and_acknowledges_offline_and_the_kit_is_checked_on_reconnect(
    daphne_server, new_page, publisher, member, outsider
):
    base = daphne_server
    # The member's own agency: kept by default. UGP-BIO-001 is agency-only.
    bio = publish_new(
        publisher=publisher,
        reference="UGP-BIO-001",
        title="Suspicious parcel with powder",
        visibility=SOP.Visibility.AGENCY,
    )
    to_ack = publish_new(
        publisher=publisher, reference="UGP-ACK-002", title="Cold chain for samples"
    )
    to_withdraw = publish_new(
        publisher=publisher, reference="UGP-OLD-003", title="Old fax procedure"
    )
    # Another agency's procedure, kept by choice.
    other = publish_new(
        publisher=outsider, reference="PHC-DECON-7", title="Decontamination of a vehicle"
    )

    page = signed_in(new_page, base, member)
    context = page.context
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(f"{base}{other.get_absolute_url()}")
    page.get_by_test_id("keep-offline-button").click()
    expect(page.get_by_test_id("kept-offline")).to_be_visible()

    page.goto(f"{base}/offline/")
    expect(page.get_by_test_id("kit-entry")).to_have_count(4)
    assert page.evaluate(WORKER_IN_CONTROL) == "", console
    expect(page.get_by_test_id("kit-device-status")).to_contain_text(KIT_STORED, timeout=20_000)
    assert sorted(kit_ids(page)) == sorted([bio.pk, to_ack.pk, to_withdraw.pk, other.pk])
    # The status shows once the procedures are stored; the kit page itself and the "not
    # kept" page are stored just after it: going offline sooner would cut that short.
    wait_for(
        lambda: {"/offline/", "/offline/not-kept/"} <= set(cached_paths(page)),
        what="the kit page and the not-kept page in the device's cache",
    )

    # No link: the kept copy, with its banner.
    go_offline(context)
    page.goto(f"{base}{bio.get_absolute_url()}")
    expect(page.get_by_test_id("offline-banner")).to_contain_text(
        "Offline — this copy was valid as of"
    )
    expect(page.locator("h1")).to_have_text("Suspicious parcel with powder")
    # A page not kept says so instead of failing.
    page.goto(f"{base}/experts/")
    expect(page.get_by_test_id("not-kept")).to_be_visible()

    # Search over the kept titles and texts.
    page.goto(f"{base}/offline/")
    page.get_by_test_id("kit-search-input").fill("decontamination")
    expect(page.get_by_test_id("kit-search-result")).to_have_count(1)
    expect(page.get_by_test_id("kit-search-result")).to_contain_text("PHC-DECON-7")

    # Acknowledge offline: queued on the device.
    page.goto(f"{base}{to_ack.get_absolute_url()}")
    page.get_by_test_id("acknowledge-button").click()
    expect(page.get_by_test_id("ack-queued")).to_be_visible()
    assert not Acknowledgement.objects.filter(user=member).exists()

    # Meanwhile on the server: a major revision and a withdrawal.
    publish_revision(sop=bio, publisher=publisher, change_kind="major", summary="New bags.")
    withdrawn = SOP.objects.get(pk=to_withdraw.pk).current_version
    sop_services.version_withdraw(version=withdrawn, by=publisher, reason="Replaced by e-mail.")

    go_online(context)
    notices = page.get_by_test_id("offline-notices")
    expect(notices).to_contain_text(
        "UGP-BIO-001 changed while you were offline: 1.0 → 2.0, major: please acknowledge.",
        timeout=20_000,
    )
    expect(notices).to_contain_text("UGP-OLD-003 was removed from this device")
    wait_for(
        lambda: Acknowledgement.objects.filter(user=member, version__sop=to_ack).exists(),
        what="the queued acknowledgement",
    )
    assert sorted(kit_ids(page)) == sorted([bio.pk, to_ack.pk, other.pk])
    assert to_withdraw.get_absolute_url() not in cached_paths(page)

    # Another check sends nothing twice.
    page.goto(f"{base}/offline/")
    page.get_by_test_id("kit-sync").click()
    expect(page.get_by_test_id("kit-device-status")).to_contain_text(KIT_STORED)
    assert QueuedAcknowledgement.objects.filter(user=member).count() == 1
    assert Acknowledgement.objects.filter(user=member, version__sop=to_ack).count() == 1

    # The refreshed copy is the new version.
    go_offline(context)
    page.goto(f"{base}{bio.get_absolute_url()}")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2.0")
    go_online(context)
    # Back online, the kept copy asks the server, then makes way for the live page.
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()

    # Sign-out empties the device.
    page.goto(f"{base}/offline/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("signed-in-user")).to_have_count(0)
    # The device is emptied as the signed-out page starts: wait for it, not for a moment.
    wait_for(lambda: cached_paths(page) == [] and kit_ids(page) == [], what="an empty device")


pytestmark = pytest.mark.browser
