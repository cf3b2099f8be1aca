"""The train-the-trainer cascade: per country and topic, trainers qualified, the activities they
ran and the people those reached (a table), and who trained whom (a tree shown in parts).

Counted over published courses and published activities only; a trainer's country is the
expert's. The table is one SQL query; a part of the tree is three, whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count

from training.models import Activity, Registration, TrainerQualification

# Nodes in one part of the tree: a page of whole courses, the next part behind "Show more".
TREE_NODE_LIMIT = 100


@dataclass
class CascadeRow:
    country: str
    topic: str
    trainers: int = 0
    activities: int = 0
    reached: int = 0


@dataclass
class Node:
    kind: str  # "course", "trainer", "activity"
    label: str
    depth: int
    url: str = ""
    reached: int = 0
    pk: int = 0
    children: list = field(default_factory=list)


@dataclass
class Tree:
    """One part of the tree: ``roots`` are courses ``start``.. (``next_start`` the first of the
    next part, or None); ``depth`` is the whole cascade's; ``cut`` says a course's own subtree
    was longer than a part and is shown only in its first part."""

    roots: list[Node]
    depth: int
    cut: bool
    start: int = 0
    next_start: int | None = None
    courses: int = 0


# The three counts in one statement: the qualifications (q) and the activities they ran (runs)
# are computed once, and the 20,000-row attendance stream meets a single hash join on runs.
# Grouping on ids and a DISTINCT before the count let PostgreSQL hash rather than sort by
# collated names (the sort was most of the old query's time); names are joined at the end.
_TABLE_SQL = """
WITH q AS MATERIALIZED (
    SELECT tq.id, tq.expert_id, e.country_id, tq.topic_id
    FROM training_trainerqualification tq
    JOIN training_activity course ON course.id = tq.course_id
    JOIN network_expert e ON e.id = tq.expert_id
    WHERE course.status = %(published)s
      AND (%(country)s::text IS NULL OR e.country_id = %(country)s::text)
      AND (%(topic)s::bigint IS NULL OR tq.topic_id = %(topic)s::bigint)
), runs AS MATERIALIZED (
    SELECT a.id, q.country_id, q.topic_id
    FROM training_activity a JOIN q ON q.id = a.trainer_qualification_id
    WHERE a.status = %(published)s
), counts AS (
    SELECT country_id, topic_id, COUNT(DISTINCT expert_id) AS trainers, 0 AS activities,
           0 AS reached
    FROM q GROUP BY 1, 2
    UNION ALL
    SELECT country_id, topic_id, 0, COUNT(*), 0 FROM runs GROUP BY 1, 2
    UNION ALL
    SELECT country_id, topic_id, 0, 0, COUNT(*) FROM (
        SELECT DISTINCT runs.country_id, runs.topic_id, r.expert_id
        FROM training_registration r JOIN runs ON runs.id = r.activity_id
        WHERE r.status = ANY(%(reached)s)
    ) people GROUP BY 1, 2
)
SELECT c.name, t.name, SUM(trainers), SUM(activities), SUM(reached)
FROM counts
LEFT JOIN network_country c ON c.code = counts.country_id
LEFT JOIN network_topic t ON t.id = counts.topic_id
GROUP BY 1, 2
"""


def cascade_table(*, country=None, topic=None) -> list[CascadeRow]:
    """Per country (the trainer's) and topic: trainers qualified, activities they ran, people
    reached (distinct, attended or completed). One aggregate query, whatever the size."""
    params = {
        "published": Activity.Status.PUBLISHED,
        "country": country.pk if country else None,
        "topic": topic.pk if topic else None,
        "reached": list(Registration.REACHED),
    }
    with connection.cursor() as cursor:
        cursor.execute(_TABLE_SQL, params)
        rows = [
            CascadeRow(c or "—", t or "—", int(n1), int(n2), int(n3))
            for c, t, n1, n2, n3 in cursor.fetchall()
        ]
    return sorted(rows, key=lambda r: (r.country, r.topic))


def _qualification_filter(prefix: str, country, topic) -> dict:
    """Filters on a qualification reached through ``prefix`` (joins, not IN-subqueries:
    PostgreSQL plans the joins in ~20 ms at 20,000 attendances, the subquery in ~700)."""
    f = {f"{prefix}course__status": Activity.Status.PUBLISHED}
    if country:
        f[f"{prefix}expert__country"] = country
    if topic:
        f[f"{prefix}topic"] = topic
    return f


def cascade_tree(*, country=None, topic=None, limit: int | None = None, start: int = 0) -> Tree:
    """Courses -> trainers they qualified -> activities those ran (-> trainers those qualified
    ...), from the ``start``-th course on, whole courses until ``limit`` nodes. The walk is in
    memory over the qualifications and runs (two queries); a third counts the people reached
    by the activities shown, and only those."""
    limit = TREE_NODE_LIMIT if limit is None else limit
    # Tuples (values_list), not dicts: 1,500 rows at the benchmark's size.
    quals = TrainerQualification.objects.filter(
        **_qualification_filter("", country, topic)
    ).values_list(
        "pk", "expert__full_name", "course_id", "course__title", "course__starts", "topic__name"
    )
    # Joins on the same filters rather than lists of ids: no 1,000-item IN lists to send.
    runs = Activity.objects.filter(
        status=Activity.Status.PUBLISHED,
        **_qualification_filter("trainer_qualification__", country, topic),
    ).values_list("pk", "title", "trainer_qualification_id")
    runs_by_qual = defaultdict(list)
    for pk, title, qual_id in runs:
        runs_by_qual[qual_id].append((pk, title))
    run_ids = {pk for runs_of in runs_by_qual.values() for pk, _title in runs_of}
    quals_by_course = defaultdict(list)  # course -> (qualification, "trainer (topic)")
    courses = {}
    for pk, name, course_id, course_title, course_starts, topic_name in quals:
        quals_by_course[course_id].append((pk, f"{name} ({topic_name})"))
        if course_id not in run_ids:
            courses[course_id] = (course_starts, course_id, course_title)
    roots_all = sorted(courses.values())

    def measure(course_id: int, depth: int, seen: frozenset) -> tuple[int, int]:
        """(nodes under the course, deepest trainer level), without building the nodes."""
        size = deepest = 0
        for qual_id, _label in quals_by_course[course_id]:
            size += 1
            deepest = max(deepest, depth)
            for pk, _title in runs_by_qual.get(qual_id, ()):
                size += 1
                if pk in quals_by_course and pk not in seen:  # a course in its turn
                    n, d = measure(pk, depth + 1, seen | {pk})
                    size, deepest = size + n, max(deepest, d)
        return size, deepest

    sizes = [measure(pk, 1, frozenset({pk})) for _starts, pk, _title in roots_all]
    count = 0
    cut = False

    def trainers_of(course_id: int, depth: int, seen: frozenset) -> list[Node]:
        nonlocal count, cut
        nodes = []
        for qual_id, label in quals_by_course.get(course_id, ()):
            if count >= limit:
                cut = True
                break
            count += 1
            trainer = Node("trainer", label, depth)
            for pk, title in runs_by_qual.get(qual_id, ()):
                if count >= limit:
                    cut = True
                    break
                count += 1
                node = Node("activity", title, depth, url=f"/training/{pk}/", pk=pk)
                if pk in quals_by_course and pk not in seen:
                    node.children = trainers_of(pk, depth + 1, seen | {pk})
                trainer.children.append(node)
            nodes.append(trainer)
        return nodes

    roots = []
    next_start = None
    for i in range(max(start, 0), len(roots_all)):
        _starts, pk, title = roots_all[i]
        if roots and count + 1 + sizes[i][0] > limit:
            next_start = i  # a whole course in the next part rather than half of it here
            break
        count += 1
        node = Node("course", title, 0, url=f"/training/{pk}/", pk=pk)
        node.children = trainers_of(pk, 1, frozenset({pk}))  # cut only if it alone is too long
        roots.append(node)
    shown = [n for n in flatten(roots) if n.kind == "activity"]
    if shown:
        reached = dict(
            Registration.objects.filter(
                activity_id__in=[n.pk for n in shown], status__in=Registration.REACHED
            )
            .order_by()
            .values_list("activity_id")
            .annotate(n=Count("id"))
        )
        for n in shown:
            n.reached = reached.get(n.pk, 0)
    depth = max((d for _n, d in sizes), default=0)
    return Tree(roots, depth, cut, start, next_start, len(roots_all))


def flatten(nodes: list[Node]) -> list[Node]:
    """The tree in display order, for a template without recursion."""
    out = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out
