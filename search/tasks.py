"""Index tasks. ``frontline/celery.py`` routes every ``search.tasks.*`` task to the
``search`` queue, which one worker process consumes: the index's single writer."""

from __future__ import annotations

from celery import shared_task

from search import index


@shared_task(name="search.tasks.index_documents", bind=True, max_retries=8)
def index_documents(self, keys: list[str]) -> dict:
    """Bring the documents for ``keys`` ("sop:12", "expert:3") in line with the database."""
    try:
        return index.update(keys)
    except index.LockError as exc:
        raise self.retry(exc=exc, countdown=2) from exc


@shared_task(name="search.tasks.repair")
def repair() -> bool:
    """Rebuild the index if it still cannot be opened (a reader found it broken)."""
    try:
        index.open_index()
    except index.IndexUnavailable:
        index.ensure_index()
        return True
    return False


@shared_task(name="search.tasks.rebuild")
def rebuild() -> int:
    return index.rebuild()
