"""Which handlers run for which event kind.

Apps register plain functions ``handler(event)`` in their ``AppConfig.ready``; each runs
in its own Celery task so one failing handler does not hold the others back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from importlib import import_module

_handlers: dict[str, list[str]] = defaultdict(list)


def register(kind: str, handler: Callable) -> Callable:
    """Register ``handler`` for events of ``kind`` (usable as a decorator factory too)."""
    path = f"{handler.__module__}.{handler.__qualname__}"
    if path not in _handlers[kind]:
        _handlers[kind].append(path)
    return handler


def handlers_for(kind: str) -> list[str]:
    return list(_handlers.get(kind, []))


def resolve(path: str) -> Callable:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)
