"""An idle session ends: a few hours for everyone, one hour for staff and agency admins.

The absolute lifetime is ``SESSION_COOKIE_AGE``; this adds the idle limit (ASVS 3.3.2).
The time of the last request is kept in the session and written at most once a minute,
so most requests do not save the session.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.second_factor import role_requires_second_factor
from notifications.push import sockets_close_now

LAST_SEEN = "frontline_last_seen"
WRITE_EVERY = 60  # seconds


def idle_limit(user) -> int:
    """Seconds a session of ``user`` may stay unused."""
    if role_requires_second_factor(user):
        return min(settings.FRONTLINE_IDLE_TIMEOUT_PRIVILEGED, settings.FRONTLINE_IDLE_TIMEOUT)
    return settings.FRONTLINE_IDLE_TIMEOUT


def session_started(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: the idle clock starts (saved with the new session itself)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def sessions_end_idle() -> int:
    """End every session idle past its limit and close its user's open sockets.

    The middleware ends an idle session at its next request; this (run by beat every few
    minutes) ends those that make none, such as a tab left open that only listens on its
    socket. The user's other tabs reconnect with their own, still valid, sessions.
    Returns how many sessions ended.
    """
    now = int(time.time())
    shortest = min(settings.FRONTLINE_IDLE_TIMEOUT_PRIVILEGED, settings.FRONTLINE_IDLE_TIMEOUT)
    candidates: dict[str, tuple[int, int]] = {}  # session key -> (user id, seconds idle)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        last, user_id = data.get(LAST_SEEN), data.get("_auth_user_id")
        if last is not None and user_id and now - int(last) > shortest:
            candidates[session.session_key] = (int(user_id), now - int(last))
    users = get_user_model().objects.in_bulk({uid for uid, _idle in candidates.values()})
    ended = {
        key: uid
        for key, (uid, idle) in candidates.items()
        if uid not in users or idle > idle_limit(users[uid])
    }
    Session.objects.filter(session_key__in=ended).delete()
    for user_id in set(ended.values()):
        sockets_close_now(user_id)
    return len(ended)


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > idle_limit(user):
                user_id = user.pk
                logout(request)
                sockets_close_now(user_id)
                messages.info(request, _("You were signed out after a while without activity."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as the anonymous caller it is
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) >= WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
