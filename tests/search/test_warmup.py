"""The web process's warm-up at start (search/warmup.py): before the process serves, it
opens the index and fills the caches, then leaves that reader for the first thread
that searches, which so starts warm instead of from cold."""

from __future__ import annotations

import gc
import threading

import pytest

from frontline.asgi import django_asgi_app
from search import warmup
from search.engine import reader as engine_reader
from tests import asgi_client
from tests.search.conftest import search, titles

pytestmark = pytest.mark.django_db


def test_the_first_search_gets_the_reader_the_warm_up_filled(
    publish, publisher, home_agency, member
):
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()
    # In a thread of its own: it closes its database connection, which here is the test's.
    thread = threading.Thread(target=warmup.warm_up)
    thread.start()
    thread.join()
    assert len(engine_reader._spare) == 1
    warmed = engine_reader._spare[0]
    assert len(warmed.terms._items) > 0 and warmed.cache  # term sets and visibility sets
    assert titles(search(member, "sample transport")) == ["Border sample transport"]
    assert engine_reader.get_reader() is warmed
    assert engine_reader._spare == []
    engine_reader.drop_reader()


def test_no_warm_up_when_turned_off(settings):
    settings.FRONTLINE_SEARCH_WARM = False
    assert warmup.warm_before_serving() is False


def test_without_an_index_the_warm_up_says_so_in_one_line(settings, tmp_path, caplog):
    """A fresh install has no index yet: no traceback, and the first search still builds it."""
    settings.FRONTLINE_INDEX_DIR = str(tmp_path / "none-yet")
    engine_reader.drop_reader()
    with caplog.at_level("INFO", logger="search.warmup"):
        warmup.warm_up()
    (record,) = [r for r in caplog.records if r.name == "search.warmup"]
    assert "skipped" in record.getMessage() and record.exc_info is None
    engine_reader.drop_reader()


@pytest.mark.django_db(transaction=True)
def test_each_request_hands_its_filled_reader_to_the_next(publish, publisher, home_agency):
    """The web process's ASGI handler runs each request in a new thread; a reader left in a
    thread-local died with the thread, so every search opened the index from cold."""
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()

    status, _headers, body = asgi_client.get(django_asgi_app, "/search/", b"q=sample")
    assert status == 200 and b"transport" in body
    (first,) = engine_reader._spare
    status, _headers, body = asgi_client.get(django_asgi_app, "/search/", b"q=cool+box")
    assert status == 200 and b"transport" in body
    assert engine_reader._spare == [first]
    engine_reader.drop_reader()
    assert engine_reader._spare == []


def test_after_the_warm_up_the_long_lived_objects_are_frozen(
    settings, monkeypatch, publish, publisher, home_agency
):
    """A full collection walked every object start-up made (95 ms at 20,000 SOPs, a
    pause each request in flight waited through); frozen, they are not walked."""
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()
    settings.FRONTLINE_SEARCH_WARM = True
    monkeypatch.setattr(warmup, "_started", False)
    gc.unfreeze()
    try:
        assert warmup.warm_before_serving() is True
        assert gc.get_freeze_count() > 10000
        assert warmup.warm_before_serving() is False  # once per process
        assert len(engine_reader._spare) == 1
    finally:
        gc.unfreeze()
        engine_reader.drop_reader()


def test_importing_the_web_application_warms_before_it_serves(tmp_path):
    """daphne imports ``frontline.asgi`` before it listens: the warm-up must be done by
    then, not running beside an open port (a search sent at once waited for it)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "FRONTLINE_SEARCH_WARM": "1",
        "FRONTLINE_INDEX_DIR": str(tmp_path / "index"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    code = "import frontline.asgi, gc; print('frozen', gc.get_freeze_count())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "search warmed up in" in done.stderr + done.stdout
    assert int(done.stdout.split("frozen ")[1]) > 10000
