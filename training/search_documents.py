"""Activities in the search index (``activity:<pk>``), registered in ``search.registry``.

Drafts are never indexed (a draft must not be findable, not even as a count); published
and cancelled activities are for vetted members (``visibility: network``), as on the pages.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search import registry
from search.documents import finish, join
from training.models import Activity
from training.permissions import visible_activities_q

SHOWN = (Activity.Status.PUBLISHED, Activity.Status.CANCELLED)


def activity_queryset() -> QuerySet[Activity]:
    return (
        Activity.objects.filter(status__in=SHOWN)
        .select_related("organiser__country__region", "language")
        .prefetch_related("topics", "countries__region", "participating_agencies")
        .order_by("pk")
    )


def activity_document(activity: Activity) -> dict:
    organiser = activity.organiser
    countries = list(activity.countries.all()) or [organiser.country]
    topics = list(activity.topics.all())
    agencies = [organiser, *activity.participating_agencies.all()]
    meta = [a.name for a in agencies] + [a.acronym for a in agencies]
    meta += [c.name for c in countries] + [t.name for t in topics]
    meta += [activity.get_kind_display(), activity.get_scope_display(), activity.place]
    return finish(
        {
            "key": f"activity:{activity.pk}",
            "doctype": "activity",
            "pk": activity.pk,
            "title": activity.title,
            "subtitle": f"{activity.get_kind_display()} · {activity.starts:%Y-%m-%d} · "
            f"{organiser.acronym or organiser.name}",
            "title_xx": activity.title,
            "body_en": activity.description,
            "meta": " ".join(str(m) for m in meta if m),
            "topics": join(t.slug for t in topics if t.kind != "category"),
            "categories": join(t.slug for t in topics if t.kind == "category"),
            "country": join(c.code for c in countries),
            "region": join(c.region.code for c in countries),
            "agency": join(a.code for a in agencies),
            "language": activity.language_id or "",
            "visibility": "network",
            "date": activity.updated,
            "spell": f"{activity.title}\n{activity.description}",
            "complete": activity.title,
        }
    )


def activities_shown(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """The hits ``user`` may see now (not a draft again, and a vetted reader); no snippets."""
    shown = (
        Activity.objects.filter(pk__in=pks, status__in=SHOWN)
        .filter(visible_activities_q(user))
        .values_list("pk", flat=True)
    )
    return dict.fromkeys(shown, "")


registry.register(
    registry.DocType(
        name="activity",
        label=_("Trainings and exercises"),
        queryset=activity_queryset,
        document=activity_document,
        shown=activities_shown,
        url=lambda stored: reverse("training:activity", args=[stored["pk"]]),
        reindex_on={
            kind: "activity_id"
            for kind in ("activity.published", "activity.changed", "activity.cancelled")
        },
        position=40,
    )
)
