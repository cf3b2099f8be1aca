"""Notification latency and fan-out, through daphne, Redis and a Celery worker.

Prints figures, asserts nothing. Needs PostgreSQL and Redis; it drops and recreates its
own database (``BENCH_DATABASE_URL``, default ``frontline_bench``) and uses Redis db 13
(``BENCH_REDIS_URL``), then starts one daphne and one Celery worker of its own.

    .venv/bin/python bench/notify.py                  # N = 1, 100, 1000; 10,000 followers
    .venv/bin/python bench/notify.py --clients 1,10 --followers 1000 --rounds 3

1. Latency: N WebSocket clients follow one SOP. A revision is published through the
   service; the clock starts when its transaction commits and stops when each client
   receives its message (commit -> outbox dispatch task -> handler task -> rows ->
   Redis pub/sub -> daphne -> socket). p50 / p95 / p99 / max over all rounds.
2. Fan-out: one SOP with F followers; the notifications handler's own run (recipients
   resolved, F rows created, F pushes sent), from the worker's HandlerRun timestamps.
3. The floor, in the same run: a bare Redis PUBLISH to N subscribers (``RedisFloor``),
   so the ratio of the latency to what the machine's pub/sub alone costs is visible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.update(DATABASE_URL=DB_URL, REDIS_URL=REDIS_URL, LOG_LEVEL="WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
sys.path.insert(0, str(ROOT))

import common  # noqa: E402  (bench/common.py)

HANDLER = "notifications.handlers.on_sop_event"
RU_SHARE = 0.0  # the share of bench people who chose Russian (--ru-share)


def recreate_database() -> None:
    common.recreate_database(DB_URL)


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def start_services(log_dir: Path, web: int) -> tuple[list[subprocess.Popen], list[int]]:
    """One Celery worker, then ``web`` daphne processes (as web nodes behind a balancer)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", ALLOWED_HOSTS="127.0.0.1")
    ports = [common.free_port() for _ in range(web)]
    daphnes = [
        subprocess.Popen(
            # The set-up opens 1,000 sockets at once; on a loaded machine their handshakes
            # queue past daphne's 5 s default and are refused. What is measured after is
            # delivery, which this does not touch.
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "--websocket_connect_timeout",
                "120",
                "frontline.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=(log_dir / f"daphne-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    worker_log = log_dir / "worker.log"
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "frontline", "worker", "-Q", "celery", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=ROOT,
        env=env,
        stdout=worker_log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in worker_log.read_text(errors="replace"):
        if time.monotonic() > deadline or worker.poll() is not None:
            raise SystemExit(f"worker did not start:\n{worker_log.read_text()}")
        time.sleep(0.2)
    for port, daphne in zip(ports, daphnes, strict=True):
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or daphne.poll() is not None:
                    raise SystemExit("daphne did not start") from None
                time.sleep(0.2)
    return [worker, *daphnes], ports


def make_people(count: int, prefix: str, agency) -> list:
    """``count`` vetted users (approved members of ``agency``), made in bulk."""
    from django.contrib.auth import get_user_model

    from network.models import Expert, Membership

    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@bench.invalid") for i in range(count)]
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("id"))
    # Every other person reads Russian (--ru-share): toasts are written once per language.
    every = round(1 / RU_SHARE) if RU_SHARE else 0
    experts = Expert.objects.bulk_create(
        [
            Expert(
                user=u,
                full_name=u.username,
                country=agency.country,
                language="ru" if every and i % every == 0 else "",
            )
            for i, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(expert=e, agency=agency, status="approved", role="member") for e in experts]
    )
    return users


def follow_all(users, sop) -> None:
    from notifications.models import Subscription

    Subscription.objects.bulk_create(
        [Subscription(user=u, kind="sop", sop=sop) for u in users], batch_size=2000
    )


def session_cookie(user) -> str:
    return f"sessionid={common.session_key(user)}"


class Clients:
    """WebSocket clients in an event loop of their own thread; they timestamp arrivals."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.loop = asyncio.new_event_loop()
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        self.sockets = []
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coro, timeout=600):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _one(self, cookie: str, port: int):
        from websockets.asyncio.client import connect

        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/notifications/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
            open_timeout=60,
            max_queue=None,
        )
        json.loads(await ws.recv())  # the unread count on connect
        self.sockets.append(ws)
        asyncio.ensure_future(self._listen(ws))

    async def _listen(self, ws):
        async for raw in ws:
            now = time.perf_counter()
            if json.loads(raw).get("type") == "notification.new":
                with self.lock:
                    self.arrivals.append(now)

    async def _connect(self, cookies: list[str], batch: int = 50):
        for i in range(0, len(cookies), batch):
            await asyncio.gather(
                *(
                    self._one(c, self.ports[(i + j) % len(self.ports)])
                    for j, c in enumerate(cookies[i : i + batch])
                )
            )

    def connect(self, cookies: list[str], batch: int = 50) -> float:
        start = time.perf_counter()
        self.run(self._connect(cookies, batch))
        return time.perf_counter() - start

    def reset(self) -> None:
        with self.lock:
            self.arrivals = []

    def wait(self, count: int, timeout: float = 120.0) -> list[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.arrivals) >= count:
                    return list(self.arrivals)
            time.sleep(0.005)
        with self.lock:
            return list(self.arrivals)

    def close(self):
        async def close_all():
            await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)

        self.run(close_all())


class RedisFloor:
    """The floor: a bare Redis PUBLISH to N subscribers, no Django, daphne or WebSocket.

    N subscriber connections listen in the clients' event loop (as the N tabs do); the
    publisher, in this thread, sends one message of a notification's size to each in
    one pipeline, as the worker's push does. Time from the pipeline's start to each
    receipt.
    """

    PAYLOAD = json.dumps({"type": "notification.new", "notification": {"text": "x" * 300}})

    def __init__(self, clients: Clients, size: int):
        self.clients, self.size, self.subs = clients, size, []

    async def _subscribe(self):
        import redis.asyncio as aioredis

        for i in range(self.size):
            pubsub = aioredis.Redis.from_url(REDIS_URL).pubsub()
            await pubsub.subscribe(f"bench-floor-{i}")
            self.subs.append(pubsub)

    async def _listen(self, pubsub, arrivals: list[float]):
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30)
            if message is not None:
                arrivals.append(time.perf_counter())
                return

    def rounds(self, rounds: int) -> list[float]:
        import redis

        self.clients.run(self._subscribe())
        publisher = redis.Redis.from_url(REDIS_URL)
        samples = []
        for _ in range(rounds):
            arrivals: list[float] = []
            listening = [
                asyncio.run_coroutine_threadsafe(self._listen(s, arrivals), self.clients.loop)
                for s in self.subs
            ]
            time.sleep(0.2)
            start = time.perf_counter()
            pipe = publisher.pipeline(transaction=False)
            for i in range(self.size):
                pipe.publish(f"bench-floor-{i}", self.PAYLOAD)
            pipe.execute()
            for future in listening:
                future.result(60)
            samples.extend(a - start for a in arrivals)
        self.clients.run(self._close())
        return samples

    async def _close(self):
        for pubsub in self.subs:
            await pubsub.aclose()


def publish_revision(sop, publisher, n: int) -> float:
    """Publish a minor revision; returns perf_counter() at its commit."""
    from django.db import transaction

    from sops import services
    from sops.models import AgencyPolicy

    # One bench account drafts and publishes: its agency works without four eyes.
    AgencyPolicy.objects.update_or_create(agency_id=sop.agency_id, defaults={"four_eyes": False})
    draft = services.version_start_revision(sop=sop, by=publisher, change_kind="minor")
    committed = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        services.version_update(
            version=draft, by=publisher, expected_edit_count=None, change_summary=f"Round {n}."
        )
        services.version_publish(version=draft, by=publisher)
    return committed[0]


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (this one by default), from /proc."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def handler_done(wall_commit: float) -> float:
    """Seconds from commit until the notifications handler finished (rows made, all pushed)."""
    from events.models import Event, HandlerRun

    event = Event.objects.filter(kind="sop.published").order_by("id").last()
    # The last push can reach the clients before the run's row is marked finished.
    for _ in range(100):
        run = HandlerRun.objects.filter(event=event, handler=HANDLER, finished__isnull=False)
        if run := run.first():
            return run.finished.timestamp() - wall_commit
        time.sleep(0.05)
    return float("nan")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="1,100,1000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--ru-share", type=float, default=0.0, help="share reading Russian")
    parser.add_argument("--web", type=int, default=1, help="daphne processes (clients spread)")
    parser.add_argument(
        "--connect-batch", type=int, default=50, help="sockets opened at once while connecting"
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.clients.split(",")]
    global RU_SHARE
    RU_SHARE = args.ru_share

    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {platform.platform()}")  # fmt: skip
    recreate_database()
    setup_django()
    from network.models import Membership
    from sops.models import SOP
    from tests import factories
    from tests.notifications.conftest import publish_new

    home = factories.agency("bench-home")
    # One bench account drafts and publishes: its agency works without four eyes.
    from sops.models import AgencyPolicy

    AgencyPolicy.objects.update_or_create(agency=home, defaults={"four_eyes": False})
    publisher = factories.expert(agency=home, role=Membership.Role.PUBLISHER).user
    readers = factories.agency("bench-readers", country_code="UA")
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes, ports = start_services(log_dir, args.web)
    clients = Clients(ports)
    print(f"{args.web} daphne process(es), 1 Celery worker (solo pool), Redis pub/sub layer")
    try:
        people = make_people(max(sizes), "bench-client-", readers)
        print(f"\nlatency, commit -> message at each client ({args.rounds} rounds each, ms)")
        print(f"{'N':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  connect-all(s)")
        connected = 0
        for size in sizes:
            sop = publish_new(publisher=publisher, visibility=SOP.Visibility.NETWORK)
            follow_all(people[:size], sop)
            cookies = [session_cookie(u) for u in people[connected:size]]
            took = clients.connect(cookies, args.connect_batch)
            connected = size
            samples, handled = [], []
            cpu_before = [cpu_seconds(p.pid) for p in processes] + [cpu_seconds()]
            for n in range(args.rounds):
                clients.reset()
                committed = publish_revision(sop, publisher, n)
                wall_commit = time.time() - (time.perf_counter() - committed)
                arrivals = clients.wait(size)
                if len(arrivals) < size:
                    print(f"  round {n}: only {len(arrivals)} of {size} messages arrived")
                samples.extend(a - committed for a in arrivals)
                handled.append(handler_done(wall_commit))
                time.sleep(0.3)  # let the search handler's task drain before the next round
            handled = [h for h in handled if h == h]
            cpu = [
                (after - before) / args.rounds
                for before, after in zip(
                    cpu_before,
                    [cpu_seconds(p.pid) for p in processes] + [cpu_seconds()],
                    strict=True,
                )
            ]
            print(f"{size:>6} {ms(pct(samples, 50))} {ms(pct(samples, 95))} "
                  f"{ms(pct(samples, 99))} {ms(max(samples))}  {took:6.1f}"
                  f"   handler done (median) {ms(statistics.median(handled))}"
                  f"   CPU s/round: worker {cpu[0]:.2f} daphne {sum(cpu[1:-1]):.2f} "
                  f"clients+publisher {cpu[2]:.2f}")  # fmt: skip
        print(f"\nfloor: a bare Redis PUBLISH to N subscribers ({args.rounds} rounds each, ms)")
        for size in sizes:
            floor = RedisFloor(clients, size).rounds(args.rounds)
            print(f"{size:>6} {ms(pct(floor, 50))} {ms(pct(floor, 95))} "
                  f"{ms(pct(floor, 99))} {ms(max(floor))}")  # fmt: skip
        if args.followers:
            fan_out(publisher, readers, args.followers)
    finally:
        clients.close()
        for p in processes:
            p.terminate()
            p.wait(timeout=20)


def fan_out(publisher, readers, followers: int) -> None:
    from events.models import Event, HandlerRun
    from notifications.models import Notification
    from sops.models import SOP
    from tests.notifications.conftest import publish_new

    print(f"\nfan-out of one event to {followers} followers (notifications handler in the worker)")
    people = make_people(followers, "bench-follower-", readers)
    sop = publish_new(publisher=publisher, visibility=SOP.Visibility.NETWORK)
    follow_all(people, sop)
    for n in range(3):
        committed = publish_revision(sop, publisher, n)
        wall_commit = time.time() - (time.perf_counter() - committed)
        event = Event.objects.filter(kind="sop.published").order_by("id").last()
        deadline = time.monotonic() + 300
        run = None
        while time.monotonic() < deadline:
            run = HandlerRun.objects.filter(
                event=event, handler=HANDLER, finished__isnull=False
            ).first()
            if run:
                break
            time.sleep(0.05)
        if run is None:
            print("  the handler did not finish in 300 s")
            return
        rows = Notification.objects.filter(event=event).count()
        print(f"  round {n}: {rows} rows created and pushed; handler run "
              f"{(run.finished - run.claimed).total_seconds():.2f} s; "
              f"commit -> handler done {run.finished.timestamp() - wall_commit:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
