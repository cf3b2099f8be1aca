"""Translations of a procedure: the link's rules, who may set it, "behind the source",
and what readers see of it on the SOP pages."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from events.models import Event
from frontline.errors import ActionRefused, Conflict, NotAllowed
from sops import services
from sops.models import SOP, SOPVersion
from sops.translations import behind_since, links_for
from tests import factories
from tests.translation_fixtures import fresh, revise, russian, translation_create

Kind = SOPVersion.ChangeKind


def _text(response) -> str:
    """The page's words without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def source(make_sop):
    return make_sop().sop


@pytest.fixture
def translation(source, editor, publisher):
    return translation_create(source=source, editor=editor, publisher=publisher)


def _unlinked_russian(source, editor, publisher, reference="BIO-001-RU", **kw):
    return translation_create(
        source=source, editor=editor, publisher=publisher, reference=reference, link=False, **kw
    )


def _nothing_changed(sop: SOP, events_before: int, audits_before: int) -> None:
    assert SOP.objects.get(pk=sop.pk).translation_of_id is None
    assert Event.objects.count() == events_before
    assert AuditEntry.objects.count() == audits_before


# The link -----------------------------------------------------------------------------


def test_publisher_links_a_published_translation_audited_with_its_event(source, editor, publisher):
    ru = _unlinked_russian(source, editor, publisher)
    services.sop_translation_link(translation=ru, source=source, by=publisher)
    ru = fresh(ru)
    assert ru.translation_of == source
    # Already in force: its text is taken to render the source's version in force.
    assert ru.current_version.translated_from_id == source.current_version_id
    event = Event.objects.get(kind="sop.translation_linked")
    assert event.payload == {
        "sop_id": ru.pk,
        "agency_id": ru.agency_id,
        "source_sop_id": source.pk,
        "language": "ru",
        "source_version_id": source.current_version_id,
    }
    entry = AuditEntry.objects.get(action="sop.translation_linked")
    assert entry.actor == publisher and entry.target == f"sop:{ru.pk}"
    assert entry.details["source_reference"] == source.reference


def test_an_editor_cannot_link_and_nothing_changes(source, editor, publisher):
    ru = _unlinked_russian(source, editor, publisher)
    before = Event.objects.count(), AuditEntry.objects.count()
    with pytest.raises(NotAllowed, match="Only publishers"):
        services.sop_translation_link(translation=ru, source=source, by=editor)
    _nothing_changed(ru, *before)


def test_another_agencys_publisher_cannot_link(source, editor, publisher, outsider):
    ru = _unlinked_russian(source, editor, publisher)
    with pytest.raises(NotAllowed):
        services.sop_translation_link(translation=ru, source=source, by=outsider)
    assert fresh(ru).translation_of_id is None


def test_a_translation_belongs_to_the_same_agency(source, outsider, other_agency):
    draft = services.sop_create(
        agency=other_agency,
        reference="PHC-RU",
        title="Перевод",
        body="Текст.",
        language=russian(),
        by=outsider,
    )
    before = Event.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ActionRefused, match="same agency"):
        services.sop_translation_link(translation=draft.sop, source=source, by=outsider)
    _nothing_changed(draft.sop, *before)


def test_a_translation_is_in_another_language(make_sop, source, publisher):
    other_english = make_sop("BIO-002").sop
    before = Event.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ActionRefused, match="another language"):
        services.sop_translation_link(translation=other_english, source=source, by=publisher)
    _nothing_changed(other_english, *before)


def test_no_chains_a_translation_is_not_a_source(source, translation, editor, publisher):
    german = factories.language("de", "German")
    draft = services.sop_create(
        agency=source.agency,
        reference="BIO-001-DE",
        title="Umgang",
        body="Text.",
        language=german,
        by=editor,
    )
    with pytest.raises(ActionRefused, match="itself a translation"):
        services.sop_translation_link(translation=draft.sop, source=translation, by=publisher)
    # ... nor does a source become a translation of something else.
    services.version_publish(version=draft, by=publisher)
    with pytest.raises(ActionRefused, match="translations of its own"):
        services.sop_translation_link(translation=source, source=draft.sop, by=publisher)
    assert fresh(source).translation_of_id is None


def test_one_translation_per_language_per_source(source, translation, editor, publisher):
    second = _unlinked_russian(source, editor, publisher, reference="BIO-001-RU2")
    with pytest.raises(Conflict, match=r"already has a translation in this language \(Русский\)"):
        services.sop_translation_link(translation=second, source=source, by=publisher)
    assert fresh(second).translation_of_id is None


def test_the_database_keeps_one_translation_per_language_and_none_of_itself(
    source, translation, editor, publisher
):
    second = _unlinked_russian(source, editor, publisher, reference="BIO-001-RU2")
    with pytest.raises(IntegrityError), transaction.atomic():
        SOP.objects.filter(pk=second.pk).update(translation_of=source)
    with pytest.raises(IntegrityError), transaction.atomic():
        SOP.objects.filter(pk=source.pk).update(translation_of=source)


def test_only_a_published_procedure_has_translations(make_sop, editor, publisher):
    unpublished = make_sop("BIO-009", publish=False).sop
    ru = translation_create(
        source=unpublished, editor=editor, publisher=publisher, link=False, publish=False
    )
    with pytest.raises(ActionRefused, match="Only a published procedure"):
        services.sop_translation_link(translation=ru, source=unpublished, by=publisher)


def test_linking_twice_or_unlinking_an_unlinked_one_is_refused(source, translation, publisher):
    with pytest.raises(Conflict, match="already linked"):
        services.sop_translation_link(translation=translation, source=source, by=publisher)
    services.sop_translation_unlink(translation=translation, by=publisher)
    assert fresh(translation).translation_of_id is None
    assert AuditEntry.objects.filter(action="sop.translation_unlinked").count() == 1
    with pytest.raises(Conflict, match="not linked"):
        services.sop_translation_unlink(translation=translation, by=publisher)


def test_an_editor_cannot_unlink(translation, editor, source):
    with pytest.raises(NotAllowed):
        services.sop_translation_unlink(translation=translation, by=editor)
    assert fresh(translation).translation_of == source


# The source version a translation renders ---------------------------------------------


def test_publishing_a_translation_records_the_source_version_in_force(translation, source):
    assert fresh(translation).current_version.translated_from_id == source.current_version_id


def test_the_publisher_may_choose_an_older_source_version(source, translation, editor, publisher):
    first = source.current_version
    revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)
    done = revise(
        translation, editor=editor, publisher=publisher, kind=Kind.MINOR, translated_from=first
    )
    assert done.translated_from == first


def test_a_version_of_another_procedure_is_refused_and_nothing_is_published(
    make_sop, translation, editor, publisher
):
    stranger = make_sop("BIO-003")
    draft = services.version_start_revision(sop=translation, by=editor, change_kind=Kind.MINOR)
    services.version_update(
        version=draft, by=editor, expected_edit_count=None, change_summary="Уточнено."
    )
    with pytest.raises(ActionRefused, match="Choose a published version"):
        services.version_publish(version=draft, by=publisher, translated_from=stranger)
    draft.refresh_from_db()
    assert draft.status == SOPVersion.Status.DRAFT and draft.major is None


def test_a_source_version_for_a_procedure_that_is_no_translation_is_refused(
    make_sop, source, publisher
):
    draft = make_sop("BIO-004", publish=False)
    with pytest.raises(ActionRefused, match="not a translation"):
        services.version_publish(
            version=draft, by=publisher, translated_from=source.current_version
        )


# Behind the source ----------------------------------------------------------------------


def test_behind_since_the_first_minor_or_major_version_after_the_one_rendered(
    source, translation, editor, publisher
):
    assert behind_since(fresh(translation)) is None
    revise(source, editor=editor, publisher=publisher, kind=Kind.EDITORIAL)  # 1.1
    assert behind_since(fresh(translation)) is None  # wording only: not behind
    revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)  # 1.2
    assert behind_since(fresh(translation)).number == "1.2"
    revise(source, editor=editor, publisher=publisher, kind=Kind.MAJOR)  # 2.0
    assert behind_since(fresh(translation)).number == "1.2"  # still since the first missed
    # The translation catches up: its new version renders 2.0 (the default).
    revise(translation, editor=editor, publisher=publisher, kind=Kind.MINOR)
    assert behind_since(fresh(translation)) is None


def test_a_major_source_version_makes_it_behind_too(source, translation, editor, publisher):
    revise(source, editor=editor, publisher=publisher, kind=Kind.MAJOR)
    assert behind_since(fresh(translation)).number == "2.0"


def test_a_source_version_approved_for_later_counts_once_it_takes_effect(
    source, translation, editor, publisher
):
    import datetime

    from django.utils import timezone

    later = timezone.localdate() + datetime.timedelta(days=10)
    draft = services.version_start_revision(sop=source, by=editor, change_kind=Kind.MINOR)
    services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        change_summary="Later.",
        effective_date=later,
    )
    services.version_publish(version=draft, by=publisher)
    assert behind_since(fresh(translation)) is None
    assert not Event.objects.filter(kind="sop.translation_behind").exists()
    services.versions_take_effect(today=later)
    assert behind_since(fresh(translation)).number == "1.1"
    assert Event.objects.filter(kind="sop.translation_behind").count() == 1


def test_behind_events_say_since_when_once_per_source_version(
    source, translation, editor, publisher
):
    revise(source, editor=editor, publisher=publisher, kind=Kind.EDITORIAL)
    assert not Event.objects.filter(kind="sop.translation_behind").exists()
    v12 = revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)
    revise(source, editor=editor, publisher=publisher, kind=Kind.MAJOR)
    payloads = [
        e.payload for e in Event.objects.filter(kind="sop.translation_behind").order_by("pk")
    ]
    assert [(p["number"], p["behind_since"]) for p in payloads] == [("1.2", "1.2"), ("2.0", "1.2")]
    assert payloads[0]["sop_id"] == translation.pk and payloads[0]["source_version_id"] == v12.pk


# Pages ----------------------------------------------------------------------------------


def test_source_page_lists_the_translation_with_its_behind_badge(
    source, translation, editor, publisher, member, client_for
):
    revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)
    page = client_for(member).get(reverse("sops:detail", args=[source.pk]))
    assert 'data-testid="also-in"' in page.content.decode()
    assert "Also in: Русский (1.0) behind since 1.1" in _text(page)
    page = client_for(member).get(reverse("sops:detail", args=[translation.pk]))
    assert 'data-testid="translation-of"' in page.content.decode()
    assert "Translation of: English (1.1)" in _text(page)
    assert "Behind the source since version 1.1." in _text(page)


def test_russian_reader_sees_the_links_in_russian(source, translation, member, client_for):
    client = client_for(member)
    page = client.get(reverse("sops:detail", args=[source.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert 'data-testid="also-in"' in page.content.decode()
    assert "Русский (1.0)" in _text(page)


def test_a_hidden_translation_is_neither_listed_nor_counted(
    source, editor, publisher, outsider, client_for
):
    hidden = translation_create(
        source=source, editor=editor, publisher=publisher, visibility=SOP.Visibility.AGENCY
    )
    assert links_for(user=outsider, sop=source).translations == []
    html = client_for(outsider).get(reverse("sops:detail", args=[source.pk])).content.decode()
    assert 'data-testid="also-in"' not in html  # ("Русский" is in the language menu)
    assert hidden.reference not in html


def test_a_hidden_source_is_not_named_on_the_translation_page(
    make_sop, editor, publisher, outsider, client_for
):
    secret = make_sop("BIO-SECRET", visibility=SOP.Visibility.AGENCY).sop
    ru = translation_create(
        source=secret, editor=editor, publisher=publisher, visibility=SOP.Visibility.NETWORK
    )
    revise(secret, editor=editor, publisher=publisher, kind=Kind.MINOR)
    links = links_for(user=outsider, sop=fresh(ru))
    assert links.source is None and links.behind_since is None  # nor its lag
    html = client_for(outsider).get(reverse("sops:detail", args=[ru.pk])).content.decode()
    assert 'data-testid="translation-of"' not in html and "Behind the source" not in html


def test_publisher_links_and_unlinks_from_the_page(source, editor, publisher, client_for):
    ru = _unlinked_russian(source, editor, publisher)
    client = client_for(publisher)
    page = client.get(reverse("sops:detail", args=[ru.pk])).content.decode()
    assert 'id="translation-link-form"' in page
    response = client.post(
        reverse("sops:translation_link", args=[ru.pk]), {"source": source.pk}, follow=True
    )
    assert "Linked as a translation of BIO-001." in response.content.decode()
    assert fresh(ru).translation_of == source
    response = client.post(reverse("sops:translation_unlink", args=[ru.pk]), follow=True)
    assert fresh(ru).translation_of_id is None


def test_a_bad_source_on_the_page_is_a_clear_error_and_changes_nothing(
    make_sop, source, editor, publisher, client_for
):
    ru = _unlinked_russian(source, editor, publisher)
    other_russian = _unlinked_russian(source, editor, publisher, reference="BIO-002-RU")
    for bad in (other_russian.pk, ru.pk, "abc", ""):
        response = client_for(publisher).post(
            reverse("sops:translation_link", args=[ru.pk]), {"source": bad}, follow=True
        )
        assert response.status_code == 200
        assert "message-error" in response.content.decode()
        assert fresh(ru).translation_of_id is None
    assert not Event.objects.filter(kind="sop.translation_linked").exists()


def test_an_editor_is_refused_on_the_page(source, editor, publisher, client_for):
    ru = _unlinked_russian(source, editor, publisher)
    page = client_for(editor).get(reverse("sops:detail", args=[ru.pk])).content.decode()
    assert 'id="translation-link-form"' not in page
    response = client_for(editor).post(
        reverse("sops:translation_link", args=[ru.pk]), {"source": source.pk}, follow=True
    )
    assert "Only publishers" in response.content.decode()
    assert fresh(ru).translation_of_id is None


def test_publish_form_offers_the_source_versions(
    source, translation, editor, publisher, client_for
):
    draft = services.version_start_revision(sop=translation, by=editor, change_kind=Kind.MINOR)
    page = client_for(publisher).get(draft.get_absolute_url()).content.decode()
    assert 'name="translated_from"' in page
    response = client_for(publisher).post(
        reverse("sops:publish", args=[translation.pk, draft.pk]),
        {"change_summary": "Уточнено.", "translated_from": source.current_version_id},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == SOPVersion.Status.PUBLISHED
    assert draft.translated_from_id == source.current_version_id
    assert (
        "Translated from version 1.0 of the source."
        in client_for(publisher).get(draft.get_absolute_url()).content.decode()
    )
    assert response.status_code == 200


def test_a_language_change_that_would_break_the_link_is_refused(source, translation, publisher):
    english = source.language
    with pytest.raises(ActionRefused, match="already in that language"):
        services.sop_update(sop=translation, by=publisher, language=english)
    with pytest.raises(ActionRefused, match="already in that language"):
        services.sop_update(sop=source, by=publisher, language=russian())
    assert fresh(translation).language_id == "ru" and fresh(source).language_id == "en"
    german = factories.language("de", "German")
    services.sop_update(sop=translation, by=publisher, language=german)
    assert fresh(translation).language_id == "de"
