"""The web process's warm-up at start (search/warmup.py): it opens the index and fills
the caches in its own thread, then hands that reader to the first thread that
searches, which so starts warm instead of from cold."""

from __future__ import annotations

import gc
import threading

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler

from search import warmup
from search.engine import reader as engine_reader
from tests.search.conftest import search, titles

pytestmark = pytest.mark.django_db


def test_the_first_search_gets_the_reader_the_warm_up_filled(
    publish, publisher, home_agency, member
):
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()
    engine_reader.warming_started()
    thread = threading.Thread(target=warmup.warm_up)
    thread.start()
    thread.join()
    assert len(engine_reader._spare) == 1
    warmed = engine_reader._spare[0]
    assert len(warmed.terms._items) > 0 and warmed.cache  # term sets and visibility sets
    assert titles(search(member, "sample transport")) == ["Border sample transport"]
    assert engine_reader.get_reader() is warmed
    assert engine_reader._spare == []


def test_the_warm_up_does_not_wait_for_itself(monkeypatch, publish, publisher, home_agency):
    """Requests wait for a running warm-up; the warm-up thread itself must not (it did,
    for the whole wait, so a 20,000-SOP process was warm after 6.4 s instead of 1.4 s)."""
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    monkeypatch.setattr(engine_reader, "WARM_WAIT", 300.0)
    engine_reader.drop_reader()
    engine_reader.warming_started()
    thread = threading.Thread(target=warmup.warm_up, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the warm-up waited for itself"
    assert engine_reader._not_warming.is_set()
    engine_reader.drop_reader()


def test_a_search_arriving_meanwhile_waits_only_for_the_warm_ups_current_search(
    monkeypatch, publish, publisher, home_agency, caplog
):
    """A search sent as the process opened its port waited for the whole warm-up (1.4 s
    at 20,000 SOPs, against 0.5 s cold); now the warm-up hands its reader over after the
    search it is running."""
    from search import service

    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()
    in_first, go_on, ran = threading.Event(), threading.Event(), []
    real_search = service.search

    def first_one_held(**kwargs):
        ran.append(kwargs["text"])
        if len(ran) == 1:
            in_first.set()
            go_on.wait(30)
        return real_search(**kwargs)

    monkeypatch.setattr(service, "search", first_one_held)
    engine_reader.warming_started()
    warming = threading.Thread(target=warmup.warm_up, daemon=True)
    got = []
    with caplog.at_level("INFO", logger="search.warmup"):
        warming.start()
        assert in_first.wait(30)
        request = threading.Thread(target=lambda: got.append(engine_reader.get_reader()))
        request.start()
        while not engine_reader.reader_wanted():
            request.join(0.01)
        go_on.set()
        request.join(30)
        warming.join(30)
    assert ran == [warmup.WARM_TEXTS[0]]
    (reader,) = got
    assert reader.cache  # the warm-up's: its visibility and facet sets are filled
    assert engine_reader._spare == []
    assert any("handed over after 1 of" in r.getMessage() for r in caplog.records)
    reader.close()


def test_no_warm_up_when_turned_off(settings):
    settings.FRONTLINE_SEARCH_WARM = False
    assert warmup.start_in_background() is None


def test_without_an_index_the_warm_up_says_so_in_one_line(settings, tmp_path, caplog):
    """A fresh install has no index yet: no traceback, and the first search still builds it."""
    settings.FRONTLINE_INDEX_DIR = str(tmp_path / "none-yet")
    engine_reader.drop_reader()
    engine_reader.warming_started()
    with caplog.at_level("INFO", logger="search.warmup"):
        warmup.warm_up()
    (record,) = [r for r in caplog.records if r.name == "search.warmup"]
    assert "skipped" in record.getMessage() and record.exc_info is None
    engine_reader.drop_reader()


@pytest.mark.django_db(transaction=True)
def test_each_request_hands_its_filled_reader_to_the_next(publish, publisher, home_agency):
    """Django's ASGI handler runs each request in a new thread; a reader left in a
    thread-local died with the thread, so every search opened the index from cold."""
    publish(publisher, home_agency, "Border sample transport", "Carry the sample in a cool box.")
    engine_reader.drop_reader()

    async def get(path, query):
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query,
            "headers": [(b"host", b"testserver")],
        }
        talk = ApplicationCommunicator(ASGIHandler(), scope)
        await talk.send_input({"type": "http.request", "body": b""})
        start = await talk.receive_output(30)
        body = await talk.receive_output(30)
        await talk.wait(30)
        return start["status"], body["body"]

    status, body = async_to_sync(get)("/search/", b"q=sample")
    assert status == 200 and b"transport" in body
    (first,) = engine_reader._spare
    status, body = async_to_sync(get)("/search/", b"q=cool+box")
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
        thread = warmup.start_in_background()
        assert thread is not None
        thread.join(timeout=120)
        assert gc.get_freeze_count() > 10000
        assert len(engine_reader._spare) == 1
    finally:
        gc.unfreeze()
        engine_reader.drop_reader()
