"""Server time of the main pages at the region's scale, under locust: prints figures only.

    .venv/bin/python bench/pages_load.py --database-url postgres://postgres@127.0.0.1:5432/frontline_bench_pages
    .venv/bin/python bench/pages_load.py --sops 2000 --experts 1000 --seconds 30   # a quick look

Builds the data with ``bench/search.py``'s builder (bulk rows: --sops SOPs with two
versions each cut from the real corpus, --experts experts in 40 agencies), rebuilds the
index with ``manage.py search_rebuild``, makes one signed-in session for each of --users
vetted members (each follows some procedures, has notifications from a published
revision and owes acknowledgements of about ten of 30 major revisions), starts daphne on
loopback, opens each page once (locust measures a warm process) and runs locust headless:
--users people reading a random main page every 0.5-2 s for --seconds. The people arrive
over --ramp seconds, which locust does not count (``--reset-stats``): all of them sending
their first page in the same millisecond queued 50 pages at once, and that start alone
held the whole run's p95 up (``--ramp 0``: that start, counted, as before).
The web process has the embedded default's settings (DEBUG=1, in-memory channel layer,
tasks eager), or with --production the deployed ones (DEBUG=0, collected static files,
Redis). The server is the deployed web service's: supervisord with
frontline/supervisord-web.conf, --processes daphne processes on one socket.
Prints requests/s and p50/p95/max per page, and, as the floor measured in the same run,
the same for ``/favicon.ico`` (a page that does no work: what daphne, the middleware and
loopback cost on this machine).
The database is dropped and made anew when it is PostgreSQL (it must be a throw-away name).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: the project's ``search`` app, not bench/search.py

import common  # noqa: E402  (bench/common.py)

# bench/search.py's data builder, under a name that does not shadow the search app.
_spec = importlib.util.spec_from_file_location("search_bench", ROOT / "bench" / "search.py")
search_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(search_bench)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sops", type=int, default=20000)
    p.add_argument("--experts", type=int, default=10000)
    p.add_argument("--words", type=int, default=600)
    p.add_argument("--users", type=int, default=50, help="concurrent locust users")
    p.add_argument("--seconds", type=int, default=90, help="measured, after the ramp")
    p.add_argument(
        "--ramp",
        type=int,
        default=10,
        help="seconds over which the users arrive, not counted (0: all at once, counted)",
    )
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    p.add_argument("--database-url", default="", help="default: SQLite in the workdir")
    p.add_argument("--workdir", default="")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reuse", action="store_true", help="load only: data left in --workdir")
    p.add_argument(
        "--production",
        action="store_true",
        help="DEBUG=0 as deployed: collected, hashed static files, Redis for the channel "
        "layer, cache and tasks (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13)",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="daphne processes sharing one listening socket (more than one needs --production)",
    )
    return p.parse_args()


def readers_and_pages(args, rng) -> dict:
    """The simulated people (sessions) and the URLs of each main page they open."""
    from django.conf import settings
    from django.urls import reverse

    from network.models import Agency, Expert, Membership
    from notifications import services as notification_services
    from sops import services
    from sops.models import SOP, AgencyPolicy, SOPVersion

    members = list(
        Membership.objects.filter(role="member", status="approved", agency__code="ag-0")
        .select_related("expert__user")
        .order_by("pk")[: args.users]
    )
    public = list(SOP.objects.filter(visibility="public").order_by("pk")[:200])
    for m in members:
        for sop in rng.sample(public[:40], 5):
            notification_services.subscription_set(by=m.expert.user, target=sop)
    # One revision of each followed procedure: a notification to each follower (eager).
    publisher = Membership.objects.get(role="publisher").expert.user
    AgencyPolicy.objects.update_or_create(
        agency_id=public[0].agency_id, defaults={"four_eyes": False}
    )
    for sop in public[:40]:
        if sop.agency_id != public[0].agency_id:
            continue
        draft = services.version_start_revision(sop=sop, by=publisher)
        services.version_publish(version=draft, by=publisher, change_summary="bench")
    # What home asks of every member: a major revision of 30 of their agency's procedures,
    # each member acknowledging about two in three (so each owes about ten).
    own = list(SOP.objects.filter(agency=members[0].agency).order_by("pk")[:30])
    for sop in own:
        draft = services.version_start_revision(sop=sop, by=publisher, change_kind="major")
        major = services.version_publish(version=draft, by=publisher, change_summary="bench")
        for m in members:
            if rng.random() < 2 / 3:
                services.version_acknowledge(version=major, by=m.expert.user)
    sessions = [common.session_key(m.expert.user) for m in members]
    versions = SOPVersion.objects.filter(sop__in=public[:100], status="superseded")
    agencies = list(Agency.objects.order_by("code").values_list("code", flat=True))
    experts = list(Expert.objects.order_by("?").values_list("pk", flat=True)[:200])
    words = ["sample", "decontamination", "parcel", "laboratory", "protective equipment"]
    questions = [
        "how to sample a suspicious powder",
        "who to call when a parcel leaks",
        "decontamination of the inspection area",
        "transport of specimens to the laboratory",
    ]
    pages = {
        "home": [reverse("home")],
        "sop list": [reverse("sops:list")],
        "sop list, filtered": [
            reverse("sops:list") + f"?agency={a}&status=published&topic=t{i % 12}"
            for i, a in enumerate(agencies[:10])
        ],
        "sop page": [s.get_absolute_url() for s in public[:100]],
        "version": [reverse("sops:version", args=[v.sop_id, v.pk]) for v in versions],
        "compare": [reverse("sops:compare", args=[s.pk]) for s in public[:100]],
        "search": [reverse("search:page") + "?q=" + q.replace(" ", "+") for q in words + questions],
        "expert directory": [reverse("network:experts")],
        "expert profile": [reverse("network:expert", args=[pk]) for pk in experts],
        "agency page": [reverse("network:agency", args=[a]) for a in agencies[:20]],
        "inbox": [reverse("notifications:inbox")],
        "profile": [reverse("network:profile")],
        "floor: /favicon.ico": ["/favicon.ico"],
    }
    return {"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions, "pages": pages}


def warm_up(base: str, plan: dict) -> None:
    """Open each page once before locust starts, so it measures a warm process: the search
    warm-up at start (about 1.5 s at 20,000 SOPs, which bench/first_search.py measures)
    held every page of the first two seconds for up to a second."""
    cookie = f"{plan['cookie']}={plan['sessions'][0]}"
    for urls in plan["pages"].values():
        request = urllib.request.Request(base + urls[0], headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="frontline-pages-"))
    if args.database_url.startswith("postgres") and not args.reuse:
        common.recreate_database(args.database_url)
    search_bench.setup_django(args, workdir)
    plan_path = workdir / "plan.json"
    if not args.reuse:
        started = time.perf_counter()
        paras = search_bench.paragraphs_of(search_bench.load_corpus(Path(args.corpus)))
        search_bench.build_data(args, rng, paras)
        del paras
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "search_rebuild", "--quiet-progress"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        plan_path.write_text(json.dumps(readers_and_pages(args, rng)))
        print(
            f"data: {args.sops} SOPs x 2 versions, {args.experts} experts, index, sessions "
            f"in {time.perf_counter() - started:.0f} s; workdir {workdir}",
            flush=True,
        )
    if args.processes > 1 and not args.production:
        raise SystemExit("--processes > 1 needs --production (the processes share Redis)")
    env = server_env(args, workdir, plan_path)
    from django.db import connection

    connection.close()
    # The deployed web service's arrangement: supervisord binds one socket and runs
    # --processes daphne processes on it (frontline/supervisord-web.conf).
    port = common.free_port()
    env.update(
        WEB_LISTEN=f"127.0.0.1:{port}",
        WEB_PROCESSES=str(args.processes),
        PATH=f"{ROOT / '.venv/bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/supervisord"), "-c", str(ROOT / "frontline/supervisord-web.conf")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        common.wait_for_port("127.0.0.1", port, 60, server)
        warm_up(
            f"http://127.0.0.1:{port}", json.loads(Path(env["FRONTLINE_BENCH_PLAN"]).read_text())
        )
        prefix = workdir / "locust"
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/locust_pages.py"),
                "--headless",
                "--only-summary",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users / args.ramp if args.ramp else args.users),
                *(["--reset-stats"] if args.ramp else []),
                "--run-time",
                f"{args.seconds + args.ramp}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    finally:
        server.terminate()  # supervisord stops its daphne processes, then itself
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still queued: nothing left to measure
            server.kill()
            server.wait()
    print_table(prefix.with_name("locust_stats.csv"), args)


def server_env(args, workdir: Path, plan_path: Path) -> dict:
    """The web processes' environment: the embedded default's (DEBUG=1, in-memory channel
    layer, eager tasks), or with --production the deployed one (docker-compose.yml's web:
    DEBUG=0, static files collected and hashed, Redis). Plain HTTP on loopback, so no HTTPS
    redirect; the session cookie is set by locust, not by a secure response."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", "FRONTLINE_BENCH_PLAN": str(plan_path)}
    env.pop("REDIS_URL", None)
    if not args.production:
        return {**env, "DEBUG": "1"}
    key = secrets.token_urlsafe(50)
    env.update(
        DEBUG="0",
        SECRET_KEY=key,
        FRONTLINE_BENCH_PLAN=str(sessions_signed_with(key, plan_path)),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        FRONTLINE_STATIC_ROOT=str(workdir / "static"),
    )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def sessions_signed_with(key: str, plan_path: Path) -> Path:
    """The plan again with each person's session made anew under ``key``: a session and
    its sign-in hash are signed with the secret key, so the development key's sessions are
    signed out under production's."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.contrib.sessions.models import Session

    plan = json.loads(plan_path.read_text())
    users = [int(Session.objects.get(pk=k).get_decoded()[SESSION_KEY]) for k in plan["sessions"]]
    development_key, settings.SECRET_KEY = settings.SECRET_KEY, key
    try:
        by_pk = get_user_model().objects.in_bulk(users)
        plan["sessions"] = [common.session_key(by_pk[pk]) for pk in users]
    finally:
        settings.SECRET_KEY = development_key
    signed = plan_path.with_name("plan-production.json")
    signed.write_text(json.dumps(plan))
    return signed


def print_table(stats_csv: Path, args) -> None:
    rows = list(csv.DictReader(stats_csv.open()))
    mode = "DEBUG=0, Redis" if args.production else "the embedded default (DEBUG=1)"
    print(
        f"\n{args.users} users, {args.seconds} s after a {args.ramp} s ramp, {args.processes} "
        f"daphne process(es), {mode}; ms (locust's percentiles)"
    )
    print(
        f"{'page':<22} {'requests':>8} {'fails':>5} {'req/s':>6} {'p50':>5} {'p95':>5} {'max':>6}"
    )
    for row in rows:
        print(
            f"{row['Name']:<22} {row['Request Count']:>8} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>6.1f} {row['50%']:>5} {row['95%']:>5} "
            f"{float(row['Max Response Time']):>6.0f}"
        )


if __name__ == "__main__":
    main()
