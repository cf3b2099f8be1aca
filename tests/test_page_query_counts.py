"""Every main page costs the same number of queries with more rows behind it (issue 15).

Each page is loaded by a vetted member once on a small network and again after five times
as many agencies, experts, procedures (each with a revision), acknowledgements, follows and
notifications were added; the count must not move. A page that loops over rows with a query
each (an N+1) fails here long before it shows at 20,000 procedures.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services as notification_services
from notifications.models import Notification, Subscription
from search.reader import drop_reader
from sops import services
from sops.models import SOP
from tests import factories

_n = itertools.count(1)

PAGES = {
    "home": lambda w: reverse("home"),
    "sop list": lambda w: reverse("sops:list"),
    "sop list filtered": lambda w: (
        reverse("sops:list")
        + f"?agency={w['agency'].code}&status=published&topic={w['topic'].slug}"
    ),
    "sop page": lambda w: w["sop"].get_absolute_url(),
    "version": lambda w: reverse("sops:version", args=[w["sop"].pk, w["first"].pk]),
    "compare": lambda w: reverse("sops:compare", args=[w["sop"].pk]),
    "search": lambda w: reverse("search:page") + "?q=sample+parcel",
    "expert directory": lambda w: reverse("network:experts"),
    "expert profile": lambda w: reverse("network:expert", args=[w["colleague"].pk]),
    "agency page": lambda w: reverse("network:agency", args=[w["agency"].code]),
    "inbox": lambda w: reverse("notifications:inbox"),
    "profile": lambda w: reverse("network:profile"),
    "following": lambda w: reverse("notifications:following"),
}


def _grow(member, topic, english, units: int, django_capture_on_commit_callbacks) -> dict:
    """``units`` more of everything; the member follows and acknowledges each new SOP, and
    each revision notifies them (handlers run as a commit would, so search indexes too)."""
    made = {}
    for _ in range(units):
        n = next(_n)
        agency = factories.agency(f"grow-{n}", name=f"Border Service {n}", acronym=f"BS{n}")
        publisher = factories.expert(agency=agency, role="publisher").user
        colleague = factories.expert(agency=agency, full_name=f"Colleague {n}")
        colleague.topics.add(topic)
        colleague.languages.add(english)
        with django_capture_on_commit_callbacks(execute=True):
            draft = services.sop_create(
                agency=agency,
                reference=f"GRW-{n:03d}",
                title=f"Sample a parcel at crossing {n}",
                body="## Scope\n\nSample the parcel with gloves. Seal and label it.\n",
                language=english,
                by=publisher,
                visibility=SOP.Visibility.NETWORK,
                topics=[topic],
            )
            first = services.version_publish(version=draft, by=publisher)
        sop = first.sop
        notification_services.subscription_set(by=member, target=sop)
        services.version_acknowledge(version=first, by=member)
        with django_capture_on_commit_callbacks(execute=True):
            draft = services.version_start_revision(sop=sop, by=publisher, change_kind="minor")
            services.version_update(
                version=draft,
                by=publisher,
                expected_edit_count=0,
                body="## Scope\n\nSample the parcel with nitrile gloves. Seal it twice.\n",
            )
            services.version_publish(version=draft, by=publisher, change_summary="Twice.")
        made.setdefault("agency", agency)
        made.setdefault("sop", sop)
        made.setdefault("first", first)
        made.setdefault("colleague", colleague)
    return made


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.fixture
def world(settings, tmp_path, member, english, django_capture_on_commit_callbacks):
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    topic = factories.topic()
    made = _grow(member, topic, english, 1, django_capture_on_commit_callbacks)
    made["topic"] = topic

    def grow(units):
        _grow(member, topic, english, units, django_capture_on_commit_callbacks)
        drop_reader()

    made["grow"] = grow
    yield made
    drop_reader()


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_the_data(client, member, world):
    client.force_login(member)
    urls = {name: url(world) for name, url in PAGES.items()}
    for url in urls.values():  # warm per-process caches (choices, site, reader) first
        _count(client, url)
    small = {name: _count(client, url) for name, url in urls.items()}
    world["grow"](5)
    # the rows are really there: a follow, an acknowledgement and a notification for each
    assert Notification.objects.filter(recipient=member).count() >= 6
    assert Subscription.objects.filter(user=member).count() >= 6
    for url in urls.values():
        _count(client, url)
    large = {name: _count(client, url) for name, url in urls.items()}
    grew = {name: (small[name], large[name]) for name in urls if large[name] > small[name]}
    assert not grew, f"queries (small network, 6x the rows) per page: {grew}"


@pytest.mark.django_db
def test_no_page_reads_through_a_server_side_cursor(client, member, world):
    """A server-side cursor is three round trips (DECLARE, FETCH, CLOSE) where one query
    does: Django's menus read their choices through one (frontline.forms.OneQueryChoices).
    PostgreSQL only: SQLite has no such cursors, and CI runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's")
    client.force_login(member)
    declared = {}
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        cursors = [q["sql"][:80] for q in queries if q["sql"].startswith("DECLARE")]
        if cursors:
            declared[name] = cursors
    assert not declared, declared
