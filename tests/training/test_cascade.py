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
    roots, depth, cut = selectors.cascade_tree(topic=topic)
    assert depth == 2 and not cut
    assert [n.label for n in roots] == ["Regional ToT"]
    nodes = selectors.flatten(roots)
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


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cascade_and_dashboard_queries_do_not_grow_with_data(client_for, home_agency, publisher):
    topic = factories.topic()
    build_tree(home_agency, topic)
    client = client_for(publisher)
    urls = [reverse("training:cascade"), reverse("training:dashboard")]
    before = [_queries(client, u) for u in urls]
    for i in range(3):
        build_tree(factories.agency(), factories.topic(f"t{i}", f"Topic {i}"))
    after = [_queries(client, u) for u in urls]
    assert after == before


def test_tree_is_cut_at_the_limit_and_says_so(home_agency):
    topic = factories.topic()
    build_tree(home_agency, topic)
    _roots, _depth, cut = selectors.cascade_tree(topic=topic, limit=3)
    assert cut


def test_trainer_qualified_by_course_completion(home_agency, publisher, member):
    topic = factories.topic()
    course = _activity(home_agency, "ttt", "ToT", topic=topic)
    r = Registration.objects.create(activity=course, expert=member.expert, status="confirmed")
    services.registration_mark(by=publisher, registration=r, status="completed")
    (row,) = selectors.cascade_table(topic=topic)
    assert row.trainers == 1
