"""Let Django, not Twisted, judge a request body under daphne.

Twisted's ``Request`` parses every multipart POST body into ``request.args``, which daphne
never reads (it hands the raw body to the ASGI app). When that parse fails (a body holding
only the closing boundary, a ``multipart/form-data`` type without a boundary), Twisted
answers a bare ``400`` with no body and no Content-Type and drops the connection before
Django sees the request. Turning the parse off gives such a request to the app, whose
answer is the API's JSON error body (or the page's form error).
"""

from __future__ import annotations


def leave_bodies_to_the_app() -> None:
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # not served by daphne
        return
    if getattr(WebRequest, "_frontline_bodies_left_to_app", False):
        return
    original = WebRequest.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    WebRequest.__init__ = __init__
    WebRequest._frontline_bodies_left_to_app = True
