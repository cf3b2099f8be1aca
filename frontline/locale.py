"""The language of a page: a signed-in expert's stored choice, else the cookie, else
``Accept-Language`` (Django's ``LocaleMiddleware``, which runs before this one).

URLs carry no language prefix: one address per page, whatever the reader's language.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

from network.preferences import language_of, supported_language


class UserLanguageMiddleware:
    """After ``AuthenticationMiddleware``: the profile's language wins over the cookie
    (a shared computer's cookie, or a browser never set), for pages and messages alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = language_of(user) if user is not None and user.is_authenticated else None
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request):
    """Django's ``set_language`` (cookie, safe redirect back), and for a signed-in expert
    the choice is also stored on their profile, so it follows them to other devices, to
    their mails and to their toasts."""
    from frontline.errors import ActionRefused, NotAllowed
    from network.permissions import expert_of
    from network.services import expert_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    expert = expert_of(request.user) if request.user.is_authenticated else None
    if expert is not None and isinstance(response, HttpResponseRedirect):
        # Django's view already refused a language it does not offer (no cookie either).
        with contextlib.suppress(ActionRefused, NotAllowed):
            expert_set_language(expert=expert, by=request.user, language=language)
    return response


class LanguageAtSignIn:
    """Mixin for the sign-in view: the language cookie is set from the profile, so the
    choice stays after signing out on this device. A profile with no language yet takes
    the one the visitor chose in the menu before signing in."""

    def form_valid(self, form):
        from network.permissions import expert_of
        from network.services import expert_set_language

        user = form.get_user()
        chosen = supported_language(self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        language = language_of(user)
        expert = expert_of(user)
        if language is None and chosen and expert is not None:
            expert_set_language(expert=expert, by=user, language=chosen)
            language = chosen
        response = super().form_valid(form)
        if language:
            translation.activate(language)
            set_language_cookie(response, language)
        return response


_catalog = JavaScriptCatalog.as_view(domain="djangojs", packages=["notifications"])


@cache_control(public=True, max_age=24 * 3600)
@vary_on_headers("Accept-Language", "Cookie")
def javascript_catalog(request):
    """The ``djangojs`` catalogue (root ``locale/`` and the apps named) for the static
    scripts' ``gettext``/``ngettext``: a same-site script, loaded with ``defer``, so the
    strict CSP needs no exception. Pages link it with ``?l=<language>`` so a cache keeps
    one copy per language."""
    language = request.GET.get("l")
    if supported_language(language) and language != translation.get_language():
        translation.activate(language)
    return _catalog(request)
