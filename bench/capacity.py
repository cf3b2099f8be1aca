"""Heat map and country page timings for 30 countries × 20 indicators × 5 years.

Prints figures, asserts nothing (target: p95 ≤ 150 ms). Builds the data in a throwaway
database (``bench_<your database>``, dropped at the end), signs in a vetted member
through Django's test client (the whole request: middleware, session, templates) and
times each page, with the agencies directory measured in the same run as a peer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontline_<name> \\
        .venv/bin/python bench/capacity.py [--runs 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

COUNTRIES, INDICATORS, YEARS = 30, 20, 5


def build() -> tuple:
    """Rows written directly (bulk): the benchmark is of the reads, not the services."""
    from django.utils import timezone

    from capacity.models import TLP, Assessment, Indicator, Need, Score
    from network.models import Agency, Country, Region
    from tests import factories

    region = Region.objects.get_or_create(code="SEEE", defaults={"name": "SEEE"})[0]
    Indicator.objects.all().delete()
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(code=f"ind-{i:02d}", title=f"Indicator {i}", order=i,
                      **{f"level_{n}": f"Level {n} of indicator {i}" for n in range(1, 6)})
            for i in range(INDICATORS)
        ]
    )  # fmt: skip
    countries = Country.objects.bulk_create(
        [Country(code=f"{chr(65 + i // 26)}{chr(65 + i % 26)}", name=f"Country {i:02d}", region=region)
         for i in range(COUNTRIES)],
        ignore_conflicts=True,
    )  # fmt: skip
    countries = list(Country.objects.filter(code__in=[c.code for c in countries]))
    agencies = Agency.objects.bulk_create(
        [Agency(code=f"bench-{c.code}", name=f"Agency of {c.name}", country=c, kind="customs")
         for c in countries]
    )  # fmt: skip
    now = timezone.now()
    labels = [TLP.GREEN, TLP.GREEN, TLP.CLEAR, TLP.AMBER, TLP.RED]
    assessments = []
    for n, agency in enumerate(agencies):
        for y in range(YEARS):
            assessments.append(
                Assessment(country=agency.country, scope="country", lead_agency=agency,
                           year=2021 + y, status="validated", tlp=labels[(n + y) % 5], validated=now)
            )  # fmt: skip
    assessments = Assessment.objects.bulk_create(assessments)
    Through = Assessment.agencies.through
    Through.objects.bulk_create(
        [Through(assessment_id=a.pk, agency_id=a.lead_agency_id) for a in assessments]
    )
    Score.objects.bulk_create(
        [
            Score(assessment=a, indicator=i, level=1 + (a.pk + i.pk) % 5, justification="bench")
            for a in assessments
            for i in indicators
        ],
        batch_size=2000,
    )
    Need.objects.bulk_create(
        [Need(assessment=a, kind="equipment", title=f"Need {k}", tlp=a.tlp)
         for a in assessments for k in range(3)],
        batch_size=2000,
    )  # fmt: skip
    member = factories.expert(agency=agencies[0], role="member", username="bench-member").user
    return member, countries[0]


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and the session
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    if os.environ.get("BENCH_SLOW_QUERIES"):
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"    {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--profile", metavar="URL", help="cProfile one request of URL")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Its own database, so a test run of the same worktree is not disturbed.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        member, country = build()
        client = Client()
        client.force_login(member)
        print(f"{COUNTRIES} countries × {INDICATORS} indicators × {YEARS} years, "
              f"{args.runs} runs each, signed in as a vetted member ({connection.vendor})")  # fmt: skip
        print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for label, url in (
            ("heat map (latest year)", "/capacity/"),
            ("heat map (2023)", "/capacity/?year=2023"),
            ("country page", f"/capacity/countries/{country.code}/"),
            ("heat map API", "/api/v1/capacity/heat-map/"),
            ("peer: agencies directory", "/agencies/"),
        ):
            p50, p95, queries = measure(client, url, args.runs)
            print(f"{label:<34} {p50:8.1f} {p95:8.1f} {queries:8d}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            client.get(args.profile.replace("COUNTRY", country.code))
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(
                "capacity|template/base|loader", 25
            )
        print("target: p95 ≤ 150 ms for the heat map and the country page")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
