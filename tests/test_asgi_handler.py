"""The web process's Django handler: the whole middleware chain in one thread hop, and at
most ``FRONTLINE_REQUESTS_AT_ONCE`` requests at once."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse
from django.urls import path

from frontline.asgi import application, django_asgi_app
from frontline.asgi_handler import OneThreadASGIHandler
from frontline.env import env_count

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_web_process_builds_its_chain_sync():
    # Django's own handler builds it async: an awaitable chain, adapted at each boundary.
    assert iscoroutinefunction(ASGIHandler()._middleware_chain)
    assert isinstance(django_asgi_app, OneThreadASGIHandler)
    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


def _scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


def _get(path: str) -> tuple[int, dict, bytes]:
    return async_to_sync(_get_async)(path)


async def _get_async(path: str) -> tuple[int, dict, bytes]:
    communicator = ApplicationCommunicator(application, _scope(path))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(10)
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(10)
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body


def test_a_page_passes_through_every_middleware_and_its_view():
    status, headers, body = _get("/accounts/login/")
    assert status == 200
    assert "content-security-policy" in headers  # csp, near the top of the chain
    assert headers["x-frame-options"] == "DENY"  # clickjacking, near the bottom
    assert b'name="csrfmiddlewaretoken"' in body  # the view, with the CSRF middleware


@pytest.mark.parametrize("path", ["/no-such-page/", "/sops/999999999/"])
def test_a_missing_page_gets_the_sites_error_page(path):
    # The first from URL resolving (handler404), the second raised by a view and turned
    # into the page by the innermost middleware (ErrorPageMiddleware).
    status, headers, body = _get(path)
    assert status == 404
    assert b'data-testid="error-page"' in body
    assert headers["x-frame-options"] == "DENY"


# A view that holds its turn a moment and counts how many run at the same time; this
# module is the URLconf of the tests below.
_running = {"now": 0, "most": 0}
_lock = threading.Lock()


def _slow_view(request):
    with _lock:
        _running["now"] += 1
        _running["most"] = max(_running["most"], _running["now"])
    time.sleep(0.05)
    with _lock:
        _running["now"] -= 1
    return HttpResponse("done")


urlpatterns = [path("slow/", _slow_view)]


@pytest.mark.parametrize("at_once", [1, 2, 0])
def test_a_process_runs_at_most_its_turns_of_requests_at_once(at_once, settings):
    settings.ROOT_URLCONF = __name__
    _running.update(now=0, most=0)
    handler = OneThreadASGIHandler(at_once=at_once)

    async def one():
        communicator = ApplicationCommunicator(handler, _scope("/slow/"))
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        await communicator.receive_output(10)
        return start["status"]

    async def six():
        return await asyncio.gather(*(one() for _ in range(6)))

    statuses = async_to_sync(six)()
    assert statuses == [200] * 6  # every request answered, none refused
    assert _running["most"] == (at_once or 6)


def test_the_turns_setting_is_a_count():
    assert env_count({"N": "3"}, "N", 2) == 3
    assert env_count({"N": " "}, "N", 2) == 2
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_count({"N": "two"}, "N", 2)
