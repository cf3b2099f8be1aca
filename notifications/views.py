"""Inbox, Following page, follow buttons and the unsubscribe link. Rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused
from network.decorators import vetted_required
from notifications import emails, selectors, services
from notifications.forms import FollowAreaForm, FollowForm
from notifications.models import Notification
from notifications.templatetags.notifications_tags import follow_context

PAGE_SIZE = 30


def _back(request, fallback: str = "notifications:inbox"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notifications_list(user=request.user, unread_only=unread_only).select_related(
            "sop"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(by=request.user, notification=notification)
    if request.htmx:
        # The item, and the page's unread count swapped out of band so it is not stale.
        unread = selectors.unread_count(user=request.user)
        item = render_to_string("notifications/_item.html", {"n": notification}, request=request)
        count = render_to_string(
            "notifications/_unread.html", {"unread": unread, "oob": True}, request=request
        )
        return HttpResponse(item + count)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return _back(request)


def _follow_response(request, target, error: str = ""):
    if request.htmx:
        context = follow_context(request, target)
        context["error"] = error
        return HttpResponse(
            render_to_string("notifications/_follow.html", context, request=request)
        )
    if error:
        messages.error(request, error)
    return _back(request, "notifications:following")


@vetted_required
@require_POST
def follow(request, kind: str, pk: str):
    target = selectors.follow_target(kind=kind, pk=pk, user=request.user)
    if target is None:
        raise Http404
    form = FollowForm(request.POST)
    form.is_valid()  # every field is optional; unknown levels are refused by the service
    error = ""
    try:
        if request.POST.get("quick"):
            services.subscription_set(by=request.user, target=target)
        else:
            services.subscription_set(by=request.user, target=target, **form.settings())
    except ActionRefused as exc:
        error = exc.message
    return _follow_response(request, target, error)


@vetted_required
@require_POST
def unfollow(request, kind: str, pk: str):
    target = selectors.follow_target(kind=kind, pk=pk, user=request.user)
    if target is None:
        raise Http404
    subscription = selectors.subscription_for(user=request.user, target=target)
    if subscription is not None:
        services.subscription_remove(by=request.user, subscription=subscription)
    return _follow_response(request, target)


@vetted_required
def following(request):
    form = FollowAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            for target in form.targets():
                services.subscription_set(by=request.user, target=target)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("notifications:following")
    return render(
        request,
        "notifications/following.html",
        {
            "subscriptions": selectors.subscriptions_of(user=request.user),
            "member_agencies": selectors.member_agencies(user=request.user),
            "form": form,
        },
    )


@csrf_exempt  # the signed token is the authority; mail clients POST here (RFC 8058)
def unsubscribe(request, token: str):
    data = emails.unsubscribe_read(token)
    user = data and get_user_model().objects.filter(pk=data["u"]).first()
    if not user:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    subscription = emails.subscription_of_token(data)
    digest = bool(data.get("d"))
    done = False
    if request.method == "POST":
        services.subscription_stop_email(subscription=subscription, user=user, digest=digest)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"subscription": subscription, "digest": digest, "done": done, "token": token},
    )
