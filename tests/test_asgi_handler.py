"""The web process's Django handler: the whole middleware chain in one thread hop, and at
most ``FRONTLINE_REQUESTS_AT_ONCE`` requests at once."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse
from django.urls import path

from frontline.asgi import application, django_asgi_app
from frontline.asgi_handler import OneThreadASGIHandler
from frontline.env import env_count
from tests import asgi_client

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_web_process_builds_its_chain_sync():
    # Django's own handler builds it async: an awaitable chain, adapted at each boundary.
    assert iscoroutinefunction(ASGIHandler()._middleware_chain)
    assert isinstance(django_asgi_app, OneThreadASGIHandler)
    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


def test_a_page_passes_through_every_middleware_and_its_view():
    status, headers, body = asgi_client.get(application, "/accounts/login/")
    assert status == 200
    assert "content-security-policy" in headers  # csp, near the top of the chain
    assert headers["x-frame-options"] == "DENY"  # clickjacking, near the bottom
    assert b'name="csrfmiddlewaretoken"' in body  # the view, with the CSRF middleware


@pytest.mark.parametrize("path", ["/no-such-page/", "/sops/999999999/"])
def test_a_missing_page_gets_the_sites_error_page(path):
    # The first from URL resolving (handler404), the second raised by a view and turned
    # into the page by the innermost middleware (ErrorPageMiddleware).
    status, headers, body = asgi_client.get(application, path)
    assert status == 404
    assert b'data-testid="error-page"' in body
    assert headers["x-frame-options"] == "DENY"


# A view that counts how many run at the same time; this module is the URLconf of the
# tests below. Each holds its turn until as many as the test expects run together (at
# most 5 s, so a slow machine does not make a lone thread look like the limit), and at
# least 0.1 s, so a request the limit should have held back has time to come in.
_running = {"now": 0, "most": 0, "expected": 0}
_changed = threading.Condition()


def _slow_view(request):
    with _changed:
        _running["now"] += 1
        _running["most"] = max(_running["most"], _running["now"])
        _changed.notify_all()
        _changed.wait_for(lambda: _running["now"] >= _running["expected"], timeout=5)
    time.sleep(0.1)
    with _changed:
        _running["now"] -= 1
    return HttpResponse("done")


urlpatterns = [path("slow/", _slow_view)]


@pytest.mark.parametrize("at_once", [1, 2, 0])
def test_a_process_runs_at_most_its_turns_of_requests_at_once(at_once, settings):
    settings.ROOT_URLCONF = __name__
    _running.update(now=0, most=0, expected=at_once or 6)
    handler = OneThreadASGIHandler(at_once=at_once)

    async def six():
        answers = await asyncio.gather(
            *(asgi_client.get_async(handler, "/slow/") for _ in range(6))
        )
        return [status for status, _headers, _body in answers]

    statuses = async_to_sync(six)()
    assert statuses == [200] * 6  # every request answered, none refused
    assert _running["most"] == (at_once or 6)


def test_the_turns_setting_is_a_count():
    assert env_count({"N": "3"}, "N", 2) == 3
    assert env_count({"N": " "}, "N", 2) == 2
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_count({"N": "two"}, "N", 2)
