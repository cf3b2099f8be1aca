"""View guards: network pages are for vetted members only."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from network.permissions import is_vetted


def vetted_required(view):
    """Anonymous users go to sign in; signed-in but unvetted users get a 403 that says why."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_vetted(request.user):
            return render(request, "network/not_vetted.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
