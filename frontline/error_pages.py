"""Styled error pages (400, 403, 404, 409, 429, 500) in the site layout, with the reason shown.

Django's own answers are a bare "403 Forbidden" without the layout and, with DEBUG on, a
404 that lists every URL pattern; its log of a ``PermissionDenied`` carries a whole
traceback. ``ErrorPageMiddleware`` renders what a page view raised (``PermissionDenied``,
``Http404``, a service's ``ActionRefused``) the same way in DEBUG and in production, and
logs one line without a traceback. The ``handler*`` functions (named in
``frontline.urls``) serve what Django raises outside a view, with DEBUG off.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused

logger = logging.getLogger("frontline.errors")

# Paths whose errors keep their own machine-readable body (api.errors).
JSON_PREFIXES = ("/api/v",)


def _titles() -> dict[int, str]:
    return {
        400: _("That request could not be done"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        409: _("Someone changed this first"),
        429: _("Too many tries"),
    }


def _default_messages() -> dict[int, str]:
    return {
        400: _("The request was not valid."),
        403: _("Your account does not have the role this page needs."),
        404: _("There is no such page, or you may not see it."),
        409: _("Reload the page and try again."),
        429: _("Wait a few minutes and try again."),
    }


def _message(exception: BaseException | None, status: int) -> str:
    """The reason the view gave, or a plain default. Django's own 404 texts ("No SOP
    matches the given query.", a resolver's pattern list) are not for visitors."""
    if isinstance(exception, ActionRefused):
        return exception.message
    first = exception.args[0] if exception is not None and exception.args else ""
    text = str(first) if isinstance(first, str | Promise) else ""
    if "matches the given query" in text:
        text = ""
    return text or _default_messages()[status]


def sign_in_url(request: HttpRequest) -> str:
    """The sign-in page that comes back to this page afterwards."""
    return f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The site's page for ``status`` with ``message``; a signed-out visitor is offered to
    sign in wherever signing in may open the page (403, 404)."""
    user = getattr(request, "user", None)  # absent when a 400 comes before authentication
    offer_sign_in = status in (403, 404) and not (user and user.is_authenticated)
    context = {
        "status": status,
        "title": _titles().get(status, _("Something went wrong")),
        "message": message,
        "sign_in_url": sign_in_url(request) if offer_sign_in else "",
    }
    return render(request, "errors/page.html", context, status=status)


class ErrorPageMiddleware:
    """Turns a page view's refusal into the styled page (DEBUG or not), logged in one line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith(JSON_PREFIXES):
            return None
        if isinstance(exception, Http404):
            status = 404
        elif isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, ActionRefused):
            status = exception.status_code
        else:
            return None  # a bug: Django's handling logs the traceback and answers 500
        message = _message(exception, status)
        logger.info("%s %s: %s", status, request.path, message)
        return error_page(request, status, message)


def bad_request(request, exception=None):
    return error_page(request, 400, _message(None, 400))


def permission_denied(request, exception=None):
    return error_page(request, 403, _message(exception, 403))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid security token (a tab left open past
    its session, cookies blocked) gets the site's page saying what to do, not Django's bare
    one. The reason is logged, never shown: it names the check that failed."""
    logger.info("403 %s: CSRF check failed: %s", request.path, reason)
    return error_page(
        request,
        403,
        _(
            "This form could not be accepted: its security check failed, usually because the "
            "page was open for a long time or cookies are blocked. Go back, reload the page "
            "and send the form again."
        ),
    )


def page_not_found(request, exception=None):
    # The resolver's exception carries the URL patterns: never shown.
    return error_page(request, 404, _default_messages()[404])


def server_error(request):
    """Rendered without the database or the context processors: they may be what broke."""
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
