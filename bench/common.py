"""What the benchmark scripts share: ports, a throw-away PostgreSQL database, waiting for
a server, and a signed-in session made in the database (no sign-in form, rate limit or
password hash in the figures)."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise SystemExit("the server stopped before it answered") from None
            time.sleep(0.3)
    raise SystemExit(f"nothing answered on {host}:{port} within {timeout:.0f} s")


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names (it must be a throw-away one)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def session_key(user) -> str:
    """A session of ``user`` stored in the database, as signing in would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
