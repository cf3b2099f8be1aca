"""Cascade and dashboard pages of trainings and exercises at 1,000 activities and 20,000
attendances: p50 / p95 / max over repeated requests, and the queries each page runs.

Prints figures, asserts nothing (the query count is asserted in
tests/training/test_cascade.py). Needs PostgreSQL: it drops and recreates its own database
(``BENCH_DATABASE_URL``, default ``frontline_training_bench``), fills it with bulk inserts,
and requests the pages in-process through Django's test client (the full middleware
stack, no network). The floor beside them is the activity list's month view of an empty
month, measured the same way in the same run.

    .venv/bin/python bench/training.py                # 1,000 activities, 20,000 attendances
    .venv/bin/python bench/training.py --activities 2000 --attendances 40000 --runs 50
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_training_bench"
)
os.environ.update(DATABASE_URL=DB_URL, LOG_LEVEL="WARNING")
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
sys.path.insert(0, str(ROOT))


def recreate_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def fill(activities: int, attendances: int):
    """Courses qualify trainers; trainers run the rest; attendances spread over all."""
    from django.contrib.auth import get_user_model

    from network.models import Agency, Country, Expert, Membership, Region, Topic
    from training.models import (
        Activity,
        AfterActionReport,
        CorrectiveAction,
        Observation,
        Registration,
        TrainerQualification,
    )

    User = get_user_model()
    region = Region.objects.create(code="SEEE", name="SEEE")
    countries = [
        Country.objects.create(code=f"C{i}", name=f"Country {i}", region=region) for i in range(10)
    ]
    topics = [Topic.objects.create(slug=f"topic-{i}", name=f"Topic {i}") for i in range(5)]
    agencies = [
        Agency.objects.create(code=f"ag-{i}", name=f"Agency {i}", acronym=f"A{i}", country=countries[i % 10],
                              kind="public_health")
        for i in range(20)
    ]  # fmt: skip
    people = 2000
    users = User.objects.bulk_create(
        [User(username=f"u{i}", email=f"u{i}@x.org") for i in range(people)]
    )
    experts = Expert.objects.bulk_create(
        [
            Expert(user=u, full_name=f"Expert {i}", country=countries[i % 10])
            for i, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(expert=e, agency=agencies[i % 20], role="member", status="approved") for i, e in enumerate(experts)]
    )  # fmt: skip
    viewer = User.objects.create_user("viewer", password="x")
    v_expert = Expert.objects.create(user=viewer, full_name="Viewer", country=countries[0])
    Membership.objects.create(
        expert=v_expert, agency=agencies[0], role="publisher", status="approved"
    )
    day = datetime.date(2026, 1, 5)
    courses_n = max(1, activities // 20)
    courses = Activity.objects.bulk_create(
        [Activity(title=f"Course {i}", kind="ttt", scope="regional", starts=day, ends=day, place="x",
                  organiser=agencies[i % 20], status="published") for i in range(courses_n)]
    )  # fmt: skip
    quals = TrainerQualification.objects.bulk_create(
        [TrainerQualification(expert=experts[(c * 10 + k) % people], topic=topics[c % 5], qualified_on=day,
                              course=course) for c, course in enumerate(courses) for k in range(10)]
    )  # fmt: skip
    runs = Activity.objects.bulk_create(
        [Activity(title=f"Workshop {i}", kind="workshop", scope="national",
                  starts=day + datetime.timedelta(days=i % 700), ends=day + datetime.timedelta(days=i % 700),
                  place="y", organiser=agencies[i % 20], status="published",
                  trainer_qualification=quals[i % len(quals)]) for i in range(activities - courses_n)]
    )  # fmt: skip
    every = courses + runs
    per = attendances // len(every)
    rows, seen = [], 0
    for a_i, activity in enumerate(every):
        for k in range(per if a_i else attendances - per * (len(every) - 1)):
            rows.append(
                Registration(
                    activity=activity, expert=experts[(a_i * 37 + k) % people], status="completed"
                )
            )
            seen += 1
    Registration.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    for i, activity in enumerate(runs[:200]):
        report = AfterActionReport.objects.create(activity=activity, status="final")
        obs = Observation.objects.create(
            report=report, capability="C", kind="improvement", text="t"
        )
        CorrectiveAction.objects.create(
            observation=obs, title=f"Fix {i}", owner=agencies[0], due=day
        )
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")
    return viewer, Activity.objects.count(), Registration.objects.count()


def measure(client, url: str, runs: int, **headers) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **headers)  # warm: templates compiled, connection open
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    return times, len(ctx.captured_queries)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--attendances", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.FRONTLINE_REQUIRE_SECOND_FACTOR = False
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    viewer, n_act, n_reg = fill(args.activities, args.attendances)
    print(
        f"filled {n_act} activities, {n_reg} attendances in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(viewer)
    pages = [
        ("floor: empty month", "/training/month/?month=2031-01", {}),
        ("cascade", "/training/cascade/", {}),
        ("cascade, one topic", "/training/cascade/?topic=topic-1", {}),
        ("cascade, show more", "/training/cascade/?start=10", {"HTTP_HX_REQUEST": "true"}),
        ("dashboard", "/training/dashboard/", {}),
    ]
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, url, headers in pages:
        times, queries = measure(client, url, args.runs, **headers)
        print(
            f"{name:<22} {statistics.median(times):8.1f} {p95(times):8.1f} {max(times):8.1f} {queries:8d}"
        )


if __name__ == "__main__":
    main()
