"""Activities in the search index: what ``search.documents`` builds for ``activity:<pk>``.

Drafts are never indexed (a draft must not be findable, not even as a count); published
and cancelled activities are for vetted members (``visibility: network``), as on the pages.
"""

from __future__ import annotations

from django.db.models import QuerySet

from training.models import Activity

SHOWN = (Activity.Status.PUBLISHED, Activity.Status.CANCELLED)


def activity_queryset() -> QuerySet[Activity]:
    return (
        Activity.objects.filter(status__in=SHOWN)
        .select_related("organiser__country__region", "language")
        .prefetch_related("topics", "countries__region", "participating_agencies")
        .order_by("pk")
    )


def activity_document(activity: Activity, *, finish, join) -> dict:
    """The index document; ``finish`` and ``join`` are search.documents' own helpers."""
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


def activities_hidden(pks: list[int], user) -> set[str]:
    """Keys of hits the database now hides from ``user`` (a draft again, or not vetted)."""
    from training.permissions import visible_activities_q

    shown = set(
        Activity.objects.filter(pk__in=pks, status__in=SHOWN)
        .filter(visible_activities_q(user))
        .values_list("pk", flat=True)
    )
    return {f"activity:{pk}" for pk in set(pks) - shown}
