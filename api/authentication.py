"""``Authorization: Bearer <token>`` for agencies' systems; the browser uses its session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from api.models import ApiToken
from api.services import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as 'Authorization: Bearer <token>'.")
            )
        token = token_authenticate(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is unknown, was revoked or has expired.")
            )
        if token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This token is read-only: create a read-and-write token to change anything.")
            )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with Django's CSRF check made on Django's own request.

    DRF hands its wrapped request to the check, whose ``request.POST`` then parses the
    body with the API's parsers (JSON only): a form post from a browser holding a CSRF
    cookie got 415 instead of the CSRF refusal. Django's request parses form bodies
    itself, so the check sees the token or its absence and answers 403.
    """

    def enforce_csrf(self, request):
        return super().enforce_csrf(request._request)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token from your profile. A token has a scope: 'read' tokens are "
                "refused with 403 on every POST, PUT, PATCH and DELETE; 'write' tokens may "
                "do what their owner may. A token may expire (401 after that date)."
            ),
        }


class BrowserSessionScheme(SessionScheme):
    """The schema's cookie scheme for the session class above (drf-spectacular matches the
    class itself, not subclasses of DRF's)."""

    target_class = "api.authentication.BrowserSessionAuthentication"
