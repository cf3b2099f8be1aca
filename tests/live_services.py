"""Real services for integration tests: PostgreSQL, Redis, a Celery worker and daphne.

A pytest plugin (loaded from tests/conftest.py) so integration, search and browser tests
share the same fixtures.

The tests commit for real (``transactional_db``) so the worker and the ASGI server,
which run as separate processes, see the same test database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def services_env(transactional_db, tmp_path, settings):
    """Environment for child processes: the pytest test database and this Redis."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: integration tests need Redis")
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL: integration tests need it")
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        FRONTLINE_INDEX_DIR=str(settings.FRONTLINE_INDEX_DIR),
        FRONTLINE_MEDIA_DIR=str(settings.MEDIA_ROOT),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.fixture
def purge_queues():
    """Drop messages a previous run left on the broker, so each test starts clean."""
    from frontline.celery import app

    with app.connection_for_write() as conn:
        for queue in ("celery", "search"):
            conn.default_channel.queue_purge(queue)


class Worker:
    """A ``celery worker`` subprocess that can be started, stopped and started again."""

    def __init__(
        self, env: dict, log_dir: Path, queues: str, include: str = "", name: str = "test"
    ):
        self.env, self.log_dir, self.queues, self.include = env, log_dir, queues, include
        self.name = name
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 30.0) -> Worker:
        self.starts += 1
        log = self.log_dir / f"worker-{self.starts}.log"
        self.process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "frontline",
                "worker",
                "-Q",
                self.queues,
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}-{os.getpid()}-{self.starts}@%h",
                "-l",
                "info",
                *(["--include", self.include] if self.include else []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in log.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"celery worker did not start:\n{log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.log_dir.glob("worker-*.log"))
        )


@pytest.fixture
def celery_worker_process(services_env, purge_queues, tmp_path):
    """A stopped worker on both queues; call ``.start()`` (and ``.stop()``) as the test needs."""
    worker = Worker(services_env, tmp_path, "celery,search")
    yield worker
    worker.stop()


@pytest.fixture
def running_worker(celery_worker_process):
    return celery_worker_process.start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def start_daphne(env: dict, log: Path):
    """Serve the ASGI app under a daphne subprocess with ``env``; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "frontline.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def daphne_server(services_env, tmp_path):
    """The real ASGI app under daphne, on the test database and Redis; yields its base URL."""
    with start_daphne(services_env, tmp_path / "daphne.log") as base_url:
        yield base_url
