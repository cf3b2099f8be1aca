"""The cascade on a known tree, and the cascade and dashboard pages' bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.models import Membership
from tests import factories
from training import selectors, services
from training.models import Activity, Registration, TrainerQualification

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 3, 1)


def _activity(org, kind, title, qualification=None, topic=None):
    a = Activity.objects.create(
        title=title,
        kind=kind,
        scope="national",
        starts=DAY,
        ends=DAY,
        place="x",
        organiser=org,
        status="published",
        trainer_qualification=qualification,
    )
    if topic:
        a.topics.add(topic)
    return a


def _attend(activity, experts, status=Registration.Status.COMPLETED):
    Registration.objects.bulk_create(
        [Registration(activity=activity, expert=e, status=status) for e in experts]
    )


def build_tree(agency, topic):
    """Course C qualifies T1, T2 (MD). T1 runs W1 (3 reached) and ToT K (2 completed, both
    qualified by K). One of those, T3, runs W2 (4 reached, 1 of them also in W1). T2 runs
    nothing. Depth 2 (trainers of the course are level 1, those of K level 2)."""
    people = [factories.expert(agency=agency, role=Membership.Role.MEMBER) for _ in range(8)]
    course = _activity(agency, "ttt", "Regional ToT", topic=topic)
    t1, t2 = (
        TrainerQualification.objects.create(expert=p, topic=topic, qualified_on=DAY, course=course)
        for p in people[:2]
    )
    w1 = _activity(agency, "workshop", "W1", t1)
    _attend(w1, people[2:5], Registration.Status.ATTENDED)
    k = _activity(agency, "ttt", "K", t1, topic)
    _attend(k, people[5:7])
    t3 = TrainerQualification.objects.create(
        expert=people[5], topic=topic, qualified_on=DAY, course=k
    )
    TrainerQualification.objects.create(expert=people[6], topic=topic, qualified_on=DAY, course=k)
    w2 = _activity(agency, "workshop", "W2", t3)
    _attend(w2, [people[2], people[7], people[0], people[1]])
    Registration.objects.create(activity=w2, expert=people[3], status=Registration.Status.CANCELLED)
    return course, t2


def test_cascade_counts_on_a_known_tree(home_agency):
    topic = factories.topic()
    build_tree(home_agency, topic)
    (row,) = selectors.cascade_table(topic=topic)
    # W1 3 + K 2 + W2 4 = 9 attendances, one person in two of them
    assert (row.trainers, row.activities, row.reached) == (4, 3, 8)
    tree = selectors.cascade_tree(topic=topic)
    assert tree.depth == 2 and not tree.cut and tree.next_start is None
    assert [n.label for n in tree.roots] == ["Regional ToT"]
    nodes = selectors.flatten(tree.roots)
    assert [n.kind for n in nodes].count("trainer") == 4
    by_label = {n.label: n for n in nodes if n.kind == "activity"}
    assert (by_label["W1"].reached, by_label["K"].reached, by_label["W2"].reached) == (3, 2, 4)


def test_cancelled_or_draft_activities_do_not_count(home_agency):
    topic = factories.topic()
    course, t2_qual = build_tree(home_agency, topic)
    draft = _activity(home_agency, "workshop", "Secret draft", t2_qual)
    Activity.objects.filter(pk=draft.pk).update(status="draft")
    (row,) = selectors.cascade_table(topic=topic)
    assert row.activities == 3


def _queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


# The pages' own queries: the table is one, a part of the tree three; the rest is the session,
# the user, the membership lookups and the filter lists every page of the app runs.
CASCADE_QUERIES, PART_QUERIES, DASHBOARD_QUERIES = 10, 7, 9


def test_cascade_and_dashboard_queries_do_not_grow_with_data(client_for, home_agency, publisher):
    topic = factories.topic()
    build_tree(home_agency, topic)
    client = client_for(publisher)
    urls = [reverse("training:cascade"), reverse("training:dashboard")]
    part = reverse("training:cascade") + "?start=0"
    before = [_queries(client, u) for u in urls] + [_queries(client, part, HTTP_HX_REQUEST="true")]
    for i in range(3):
        build_tree(factories.agency(), factories.topic(f"t{i}", f"Topic {i}"))
    after = [_queries(client, u) for u in urls] + [_queries(client, part, HTTP_HX_REQUEST="true")]
    assert after == before
    assert after == [CASCADE_QUERIES, DASHBOARD_QUERIES, PART_QUERIES]


def test_tree_is_cut_at_the_limit_and_says_so(home_agency):
    topic = factories.topic()
    build_tree(home_agency, topic)
    tree = selectors.cascade_tree(topic=topic, limit=3)
    assert tree.cut and len(selectors.flatten(tree.roots)) == 3


def test_trainer_qualified_by_course_completion(home_agency, publisher, member):
    topic = factories.topic()
    course = _activity(home_agency, "ttt", "ToT", topic=topic)
    r = Registration.objects.create(activity=course, expert=member.expert, status="confirmed")
    services.registration_mark(by=publisher, registration=r, status="completed")
    (row,) = selectors.cascade_table(topic=topic)
    assert row.trainers == 1


def test_tree_comes_in_parts_of_whole_courses_that_together_are_the_tree(home_agency):
    topic = factories.topic()
    build_tree(home_agency, topic)
    build_tree(factories.agency(), topic)
    whole = selectors.cascade_tree(topic=topic)
    assert whole.courses == 2 and whole.next_start is None
    first = selectors.cascade_tree(topic=topic, limit=9)
    assert len(first.roots) == 1 and first.next_start == 1 and not first.cut
    second = selectors.cascade_tree(topic=topic, start=first.next_start, limit=9)
    assert second.next_start is None and second.depth == whole.depth == 2
    labels = [(n.kind, n.label, n.reached) for n in selectors.flatten(whole.roots)]
    parts = selectors.flatten(first.roots) + selectors.flatten(second.roots)
    assert [(n.kind, n.label, n.reached) for n in parts] == labels


def test_cascade_page_shows_more_of_the_tree_through_htmx(
    client_for, home_agency, publisher, monkeypatch
):
    from training import cascade

    topic = factories.topic()
    build_tree(home_agency, topic)
    build_tree(factories.agency(), topic)
    monkeypatch.setattr(cascade, "TREE_NODE_LIMIT", 9)
    client = client_for(publisher)
    page = client.get(reverse("training:cascade")).content.decode()
    assert page.count('class="node course') == 1 and 'data-testid="cascade-more"' in page
    assert "?start=1" in page
    more = client.get(reverse("training:cascade") + "?start=1", HTTP_HX_REQUEST="true")
    assert "HX-Request" in more["Vary"]
    part = more.content.decode()
    assert part.count('class="node course') == 1 and "cascade-table" not in part
    assert 'data-testid="cascade-more"' not in part
    assert "W2" in part and "People reached" in part


def test_dashboard_shows_each_part_in_the_same_queries(
    client_for,
    make_activity,
    make_sop,
    home_agency,
    publisher,
    editor,
    participant,
    django_capture_on_commit_callbacks,
):
    """Upcoming, to confirm, corrective actions and stale training, each filled: the fields
    the page reads are loaded with its rows (a deferred one would add a query per row)."""
    from sops import services as sop_services
    from sops.models import SOPVersion

    client = client_for(publisher)
    empty = _queries(client, reverse("training:dashboard"))
    v1 = make_sop()
    activity = make_activity(title="Border table-top", sop_versions=[v1])
    services.registration_register(by=participant, activity=activity)
    report = services.report_save(by=publisher, activity=activity, summary="s", final=True)
    weak = services.observation_add(
        by=publisher, report=report, capability="Sampling", kind="improvement", text="No kits"
    )
    services.action_add(
        by=publisher, observation=weak, title="Stock kits", owner=home_agency, due=DAY.replace(2020)
    )
    major = sop_services.version_start_revision(
        sop=v1.sop, by=editor, change_kind=SOPVersion.ChangeKind.MAJOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=major, by=publisher, change_summary="New steps")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("training:dashboard")).content.decode()
    assert len(ctx.captured_queries) == empty == DASHBOARD_QUERIES
    assert "Border table-top" in page and "Stock kits" in page
    assert reverse("training:participants", args=[activity.pk]) in page
    assert "1 open, 1 overdue" in page and "trained on 1.0, now 2.0" in page
