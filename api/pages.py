"""Token management pages, linked from the profile. A new token is shown once, never again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from api import services
from api.models import ApiToken
from audit.selectors import audit_agencies
from frontline.errors import ActionRefused
from network.models import Agency


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name (the system that will use it)"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. our document system")}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=gettext_lazy("A read-only token is refused on every change."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Expires"),
        coerce=int,
        empty_value=None,
        required=False,
        initial=90,
        choices=[
            (30, gettext_lazy("in 30 days")),
            (90, gettext_lazy("in 90 days")),
            (365, gettext_lazy("in a year")),
            ("", gettext_lazy("never")),
        ],
    )


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = services.token_create(by=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenForm()
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    tokens = ApiToken.objects.filter(user=request.user)
    administered = Agency.objects.filter(pk__in=audit_agencies(request.user) or [])
    context = {"form": form, "tokens": tokens, "new_token": new_token, "administered": administered}
    response = render(request, "api/tokens.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.token_revoke(token=token, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
