"""Response headers that say who may keep or run what: the Content-Security-Policy and
``Cache-Control`` for personal responses.

The policy allows scripts, styles, fonts and connections from this site only: no inline
script or style, no ``eval``, no plugins, no framing. Images also from ``data:`` (Pico's
form icons are data-URI SVGs in its CSS); an SOP body's external images are blocked,
so reading a restricted procedure tells no other server who read it.
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # CSP 3: 'self' covers ws(s):// to this host (notifications)
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


def is_personal(request) -> bool:
    """A signed-in session or API credentials: what comes back is for this person only."""
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated) or request.META.get("HTTP_AUTHORIZATION")
    )


class PrivateCacheMiddleware(MiddlewareMixin):
    """``Cache-Control: private, no-store`` on every response to a signed-in session or an
    API token, unless the view chose its own; anonymous public pages stay cacheable.

    It runs after WhiteNoise in the list, so static files keep their long cache headers.
    DRF sets ``request.user`` for token requests too, so the check sees them.
    """

    def process_response(self, request, response):
        if not response.has_header("Cache-Control") and is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
