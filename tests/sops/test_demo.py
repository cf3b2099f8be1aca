"""The demo procedures: what ``seed_demo`` promises, and that a second run adds nothing."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command

from events.models import Event
from sops.demo import DemoContentError, edits_apply, procedures_read
from sops.models import SOP, SOPVersion
from sops.services import review_reminders_emit

Status = SOPVersion.Status


def _snapshot():
    return sorted(
        (sop.agency.code, sop.reference, sop.title, sop.visibility, sop.language_id, versions)
        for sop in SOP.objects.select_related("agency")
        for versions in [
            tuple(
                (v.number, v.status, v.change_kind, v.body)
                for v in sop.versions.order_by("created", "pk")
            )
        ]
    )


def test_seed_demo_loads_about_forty_procedures_and_a_second_run_adds_nothing(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first, events = _snapshot(), Event.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert _snapshot() == first
    assert Event.objects.count() == events
    assert "Demo procedures: 41 procedures" in out.getvalue()
    assert 35 <= SOP.objects.count() <= 45


def test_demo_procedures_cover_what_the_pages_need(db):
    call_command("seed_demo", stdout=io.StringIO())
    sops = SOP.objects.select_related("agency__country", "adapted_from__sop__agency__country")
    published = SOPVersion.objects.filter(major__isnull=False)

    # Several versions, with summaries and both kinds of change.
    counts = [s.versions.filter(major__isnull=False).count() for s in sops]
    assert max(counts) == 4 and min(counts) == 0  # one new procedure is only in review
    assert sum(1 for n in counts if n >= 3) >= 5
    later = published.exclude(major=1, minor=0)
    assert not later.filter(change_summary="").exists()
    assert {"major", "minor", "editorial"} <= set(later.values_list("change_kind", flat=True))

    # Adapted across countries, and published.
    adapted = [s for s in sops if s.adapted_from_id]
    assert len(adapted) >= 5
    for sop in adapted:
        assert sop.adapted_from.sop.agency.country_id != sop.agency.country_id
        assert sop.current_version is not None
    # One adaptation follows a source that has moved on since.
    assert any(s.adapted_from.pk != s.adapted_from.sop.current_version_id for s in adapted)

    # An English procedure with a Russian translation that is behind the source.
    from sops.translations import behind_since

    translated = [s for s in sops if s.translation_of_id]
    assert [(s.language_id, s.translation_of.language_id) for s in translated] == [("ru", "en")]
    assert translated[0].agency_id == translated[0].translation_of.agency_id
    assert behind_since(translated[0]).number == "1.1"

    # Russian, written in Cyrillic.
    russian = [s for s in sops if s.language_id == "ru"]
    assert len(russian) >= 4
    assert all(re.search("[а-яё]{5,}", s.current_version.body) for s in russian)

    # Every visibility; agency-only ones name their partners.
    assert set(sops.values_list("visibility", flat=True)) == set(SOP.Visibility.values)
    for sop in sops.filter(visibility=SOP.Visibility.AGENCY):
        assert sop.partner_agencies.exists()

    # The review queue has content, including a draft by the demo editor.
    in_review = SOPVersion.objects.filter(status=Status.IN_REVIEW)
    assert in_review.filter(author__username="editor", sop__agency__code="rs-batut").exists()
    assert SOPVersion.objects.filter(status=Status.DRAFT).exists()

    # Realistic lengths.
    for version in published:
        assert 250 <= len(version.body.split()) <= 1000, version

    # Review reminders have something to find.
    overdue = published.filter(status=Status.PUBLISHED, review_due__lt=datetime.date(2026, 6, 1))
    assert overdue.count() >= 3
    assert review_reminders_emit() >= 1


def test_every_demo_file_names_its_agency_and_adaptations_come_last():
    procedures = procedures_read()
    assert len(procedures) == 41
    flags = [bool(p.adapted_from or p.translation_of) for p in procedures]
    assert flags == sorted(flags)


def test_an_edit_whose_passage_is_missing_or_ambiguous_is_a_content_error():
    text = "Keep everyone at least 25 metres\naway. Keep calm."
    assert (
        edits_apply(text, [{"replace": "25 metres away", "with": "50 metres away"}], "t")
        == "Keep everyone at least 50 metres away. Keep calm."
    )
    with pytest.raises(DemoContentError, match="occurs 0 times"):
        edits_apply(text, [{"replace": "100 metres", "with": "x"}], "t")
    with pytest.raises(DemoContentError, match="occurs 2 times"):
        edits_apply(text, [{"replace": "Keep", "with": "x"}], "t")


def test_demo_shows_every_compliance_state(db):
    from django.utils import timezone

    from sops import compliance
    from sops.models import Acknowledgement

    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    published = SOPVersion.objects.filter(major__isnull=False).exclude(published=None)
    years = {v.published.year for v in published}
    assert len(years) >= 3 and max(years) <= today.year
    assert published.filter(published__date__lt=today - datetime.timedelta(days=2 * 365)).exists()
    scheduled = SOPVersion.objects.get(status=Status.SCHEDULED)
    assert scheduled.effective_date == today + datetime.timedelta(days=7)
    assert compliance.in_force(scheduled.sop) != scheduled
    assert Acknowledgement.objects.exists()
    batut = scheduled.sop.agency
    rows = compliance.agency_acknowledgements(agency=batut)
    assert any(r.overdue for r in rows) and any(r.acknowledged for r in rows)
    assert compliance.reviews_due(agency_ids=None, today=today)
    assert any(v.review_due <= today for v in compliance.reviews_due(agency_ids=None))
