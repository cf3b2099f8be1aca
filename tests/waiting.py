"""Polling for things another process does (a worker, a server): no fixed sleeps."""

from __future__ import annotations

import time

import pytest


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1, what: str = ""):
    """Poll until ``predicate()`` is truthy; return its value or fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"not within {timeout}s: {what or predicate}")
