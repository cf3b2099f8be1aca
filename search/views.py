"""Search pages: the results page (full or as an htmx partial), autocomplete and
related procedures. They call the query service and hold no rules of their own."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontline.ratelimit import client_address, limit, ratelimit_hit
from search import service
from search.translations import group_translations
from sops.models import SOP
from sops.permissions import can_view_sop


def _url_with(params, **changes) -> str:
    """The current query string with ``changes`` applied (None removes) and no page."""
    q = params.copy()
    q.pop("page", None)
    for name, value in changes.items():
        q.pop(name, None)
        if value not in (None, ""):
            q[name] = value
    return "?" + q.urlencode()


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


TOO_MANY_SEARCHES = _("Too many searches from your address. Wait a minute and try again.")


def _throttled(request) -> bool:
    """Count this search against its address (anonymous) or account (signed in), as
    the API's throttles do; True past the limit."""
    if request.user.is_authenticated:
        which, who = limit("search-account"), f"user:{request.user.pk}"
    else:
        which, who = limit("search-address"), client_address(request)
    return ratelimit_hit(which, who) > which.attempts


@require_GET
def search_page(request):
    params = request.GET
    if _throttled(request):
        results = service.SearchPage(text=params.get("q", "")[:300], error=TOO_MANY_SEARCHES)
        template = "search/_results.html" if _is_partial(request) else "search/search.html"
        context = {"results": results, "q": results.text, "facet_labels": _facet_labels()}
        response = render(request, template, context, status=429)
        response["Retry-After"] = "60"
        return response
    try:
        page = int(params.get("page") or 1)
    except ValueError:
        page = 1
    results = service.search(
        user=request.user,
        text=params.get("q", ""),
        filters=params,
        sort=params.get("sort", "relevance"),
        page=page,
    )
    results.hits = group_translations(results.hits, user=request.user)
    for name, values in results.facets.items():
        for v in values:
            v.url = _url_with(params, **{name: None if v.selected else v.value})
    context = {
        "results": results,
        "q": results.text,
        "facet_labels": _facet_labels(),
        "suggestion_url": _url_with(params, q=results.suggestion) if results.suggestion else "",
        "next_url": _page_url(params, results.page + 1) if results.has_next else "",
        "previous_url": _page_url(params, results.page - 1) if results.has_previous else "",
        "sorts": [("relevance", _sort_label("relevance")), ("date", _sort_label("date"))],
    }
    template = "search/_results.html" if _is_partial(request) else "search/search.html"
    return render(request, template, context)


def _page_url(params, page: int) -> str:
    q = params.copy()
    q["page"] = str(page)
    return "?" + q.urlencode()


def _facet_labels():
    from search.display import FACET_LABELS

    return FACET_LABELS


def _sort_label(sort: str) -> str:
    from django.utils.translation import gettext as _

    return _("Most relevant") if sort == "relevance" else _("Newest first")


@require_GET
def autocomplete(request):
    text = request.GET.get("q", "")
    return render(
        request,
        "search/_autocomplete.html",
        {"suggestions": service.autocomplete(user=request.user, text=text), "q": text.strip()},
    )


@require_GET
def related(request, sop_id: int):
    """Procedures like this one, loaded by the SOP page after it renders."""
    sop = get_object_or_404(SOP.objects.select_related("current_version"), pk=sop_id)
    hits = service.related(user=request.user, sop=sop) if can_view_sop(request.user, sop) else []
    return render(request, "search/_related.html", {"hits": hits})
