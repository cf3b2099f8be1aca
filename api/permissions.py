"""Coarse gates for API views. Fine-grained rules stay in services and sops.permissions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from network.permissions import is_vetted


class ReadAnyoneWriteSignedIn(BasePermission):
    """Anyone may read what the visibility rules let them see; writing needs an account."""

    message = _("Sign in or send an API token to change anything.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class SignedIn(BasePermission):
    message = _("Sign in or send an API token.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class Vetted(BasePermission):
    """The expert directory is for vetted members of the network, as on the pages."""

    message = _("The expert directory is for vetted members of the network.")

    def has_permission(self, request, view):
        return is_vetted(request.user)
