"""Bulk import: good files, re-imports, bad records, atomicity and who may import."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from events.models import Event
from frontline.errors import NotAllowed
from sops import services
from sops.importing import RawRecord, markdown_parse, records_import, records_read
from sops.models import SOP, SOPVersion
from tests import factories

BODY = "## Scope\n\nWhat to do when a parcel leaks an unknown powder.\n\n1. Stop.\n2. Isolate.\n"


@pytest.fixture
def vocabulary(db):
    factories.language("en", "English")
    factories.language("ru", "Russian")
    factories.topic("detection-sampling", "Detection and sampling")
    factories.topic("cat-b", "Biological (B)")


def _jsonl(tmp_path, *records, name="procedures.jsonl"):
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _record(reference="IMP-001", **extra):
    return {
        "reference": reference,
        "title": f"Procedure {reference}",
        "body": BODY,
        "language": "en",
        "topics": ["detection-sampling", "cat-b"],
        **extra,
    }


def _import(path, publisher, home_agency):
    return records_import(agency=home_agency, records=records_read(path), by=publisher)


def test_markdown_folder_publishes_each_file_as_version_one(
    tmp_path, vocabulary, publisher, home_agency
):
    (tmp_path / "powder.md").write_text(
        "---\nreference: BCP-001\ntitle: Unknown powder\nlanguage: en\n"
        "topics: [detection-sampling, cat-b]\n---\n" + BODY,
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "BCP-002.md").write_text(
        "---\nlanguage: ru\ntopics: cat-b\nvisibility: public\n---\n"
        "# Порошок неизвестного происхождения\n\nИзолируйте посылку.\n",
        encoding="utf-8",
    )

    result = _import(tmp_path, publisher, home_agency)

    assert result.created == ["BCP-001", "BCP-002"]
    assert result.skipped == []
    first = SOP.objects.get(reference="BCP-001")
    assert first.current_version.number == "1.0"
    assert first.current_version.body == BODY.strip()
    assert first.current_version.approver == publisher
    assert sorted(first.topics.values_list("slug", flat=True)) == ["cat-b", "detection-sampling"]
    russian = SOP.objects.get(reference="BCP-002")  # reference from the file name
    assert russian.title == "Порошок неизвестного происхождения"  # from the first heading
    assert russian.current_version.body == "Изолируйте посылку."
    assert russian.language_id == "ru" and russian.visibility == "public"
    assert Event.objects.filter(kind="sop.published").count() == 2


def test_front_matter_values_stay_text():
    data = markdown_parse("---\nreference: 1.10\nlanguage: no\ntopics: a, b\n---\nText\n")
    assert data == {
        "reference": "1.10",
        "language": "no",
        "topics": "a, b",
        "body": "Text",
    }


def test_jsonl_file_publishes_records(tmp_path, vocabulary, publisher, home_agency):
    path = _jsonl(
        tmp_path,
        _record("IMP-001"),
        _record("IMP-002", summary="From the 2019 manual", review_due="2030-01-01"),
    )

    result = _import(path, publisher, home_agency)

    assert result.created == ["IMP-001", "IMP-002"]
    second = SOP.objects.get(reference="IMP-002").current_version
    assert second.change_summary == "From the 2019 manual"
    assert str(second.review_due) == "2030-01-01"


def test_reimporting_unchanged_records_creates_nothing(
    tmp_path, vocabulary, publisher, home_agency
):
    path = _jsonl(tmp_path, _record("IMP-001"), _record("IMP-002"))
    _import(path, publisher, home_agency)
    versions, events = SOPVersion.objects.count(), Event.objects.count()

    result = _import(path, publisher, home_agency)

    assert result.unchanged == ["IMP-001", "IMP-002"]
    assert result.created == result.revised == result.updated == []
    assert (SOPVersion.objects.count(), Event.objects.count()) == (versions, events)


def test_changed_text_becomes_a_new_version_with_its_summary(
    tmp_path, vocabulary, publisher, home_agency
):
    _import(_jsonl(tmp_path, _record("IMP-001"), _record("IMP-002")), publisher, home_agency)
    changed = _jsonl(
        tmp_path,
        _record("IMP-001", body=BODY + "3. Call the duty epidemiologist.\n"),
        _record("IMP-002", body=BODY, change_kind="major", summary="New alert chain"),
        name="changed.jsonl",
    )
    # IMP-002's text is the same, so only the change kind differs: nothing to publish.
    changed_title = _jsonl(
        tmp_path, _record("IMP-002", title="Retitled", change_kind="major"), name="t.jsonl"
    )

    result = _import(changed, publisher, home_agency)
    retitled = _import(changed_title, publisher, home_agency)

    assert result.revised == ["IMP-001"] and result.unchanged == ["IMP-002"]
    sop = SOP.objects.get(reference="IMP-001")
    assert sop.current_version.number == "1.1"
    assert sop.current_version.change_summary == "Imported revision"
    assert sop.versions.get(major=1, minor=0).status == SOPVersion.Status.SUPERSEDED
    assert retitled.revised == ["IMP-002"]
    other = SOP.objects.get(reference="IMP-002")
    assert (other.title, other.current_version.number) == ("Retitled", "2.0")


def test_changed_topics_alone_refile_without_a_new_version(
    tmp_path, vocabulary, publisher, home_agency
):
    _import(_jsonl(tmp_path, _record("IMP-001")), publisher, home_agency)

    result = _import(
        _jsonl(tmp_path, _record("IMP-001", topics=["cat-b"]), name="b.jsonl"),
        publisher,
        home_agency,
    )

    assert result.updated == ["IMP-001"]
    sop = SOP.objects.get(reference="IMP-001")
    assert list(sop.topics.values_list("slug", flat=True)) == ["cat-b"]
    assert sop.versions.count() == 1


def test_bad_records_are_reported_with_their_line_and_skipped(
    tmp_path, vocabulary, publisher, home_agency
):
    path = _jsonl(
        tmp_path,
        _record("GOOD-1"),
        "{not json",
        {k: v for k, v in _record("NO-TITLE").items() if k != "title"},
        _record("BAD-LANG", language="xx"),
        _record("BAD-TOPIC", topics=["cat-b", "astrology"]),
        _record("EMPTY", body="  \n\n"),
        _record("NO-BODY", body=None),
        "",
        _record("GOOD-2"),
        _record("GOOD-1"),
        _record("BLANK", body=""),
    )

    result = _import(path, publisher, home_agency)

    assert result.created == ["GOOD-1", "GOOD-2"]
    reasons = {s.source: s.reason for s in result.skipped}
    assert reasons == {
        "procedures.jsonl line 2": reasons["procedures.jsonl line 2"],
        "procedures.jsonl line 3": "missing title",
        "procedures.jsonl line 4": "unknown language 'xx'",
        "procedures.jsonl line 5": "unknown topic astrology",
        "procedures.jsonl line 6": "the body is empty",
        "procedures.jsonl line 7": "missing body",
        "procedures.jsonl line 10": "reference GOOD-1 already imported from procedures.jsonl line 1",
        "procedures.jsonl line 11": "the body is empty",
    }
    assert reasons["procedures.jsonl line 2"].startswith("not valid JSON")
    assert set(SOP.objects.values_list("reference", flat=True)) == {"GOOD-1", "GOOD-2"}


def test_bad_markdown_file_is_reported_by_name(tmp_path, vocabulary, publisher, home_agency):
    (tmp_path / "a-good.md").write_text(
        "---\nreference: MD-1\nlanguage: en\ntopics: cat-b\n---\n# Title\n\nText.\n"
    )
    (tmp_path / "b-unclosed.md").write_text("---\nreference: MD-2\n# Title\n")
    (tmp_path / "c-no-language.md").write_text("---\ntopics: cat-b\n---\n# Title\n\nText.\n")

    result = _import(tmp_path, publisher, home_agency)

    assert result.created == ["MD-1"]
    assert [(s.source, s.reason) for s in result.skipped] == [
        ("b-unclosed.md", "front matter opened with --- is never closed"),
        ("c-no-language.md", "missing language"),
    ]


def test_a_record_failing_halfway_leaves_nothing_behind(vocabulary, publisher, home_agency):
    records_import(agency=home_agency, records=[RawRecord("r1", _record())], by=publisher)
    sop = SOP.objects.get(reference="IMP-001")
    events = Event.objects.count()
    # The revision draft is written before the dates are found to be inconsistent.
    bad = _record(body=BODY + "More.", effective_date="2031-05-01", review_due="2030-01-01")

    result = records_import(agency=home_agency, records=[RawRecord("r2", bad)], by=publisher)

    assert result.skipped[0].source == "r2"
    assert "review-due date" in result.skipped[0].reason
    assert sop.versions.count() == 1
    assert Event.objects.count() == events


def test_a_procedure_with_an_open_draft_is_skipped_not_overwritten(
    vocabulary, publisher, editor, home_agency
):
    records_import(agency=home_agency, records=[RawRecord("r1", _record())], by=publisher)
    sop = SOP.objects.get(reference="IMP-001")
    draft = services.version_start_revision(sop=sop, by=editor)

    result = records_import(
        agency=home_agency, records=[RawRecord("r2", _record(body="Other text"))], by=publisher
    )

    assert result.skipped[0].reason.startswith("Version in progress already exists")
    draft.refresh_from_db()
    assert draft.body == BODY.strip() and sop.versions.count() == 2


def test_only_publishers_may_import(vocabulary, editor, outsider, home_agency):
    for user in (editor, outsider):
        with pytest.raises(NotAllowed):
            records_import(agency=home_agency, records=[RawRecord("r", _record())], by=user)
    assert not SOP.objects.exists()


# -- the command ---------------------------------------------------------------------------


def test_command_imports_shows_progress_and_summary(
    tmp_path, vocabulary, agency_admin, publisher, home_agency, capsys
):
    path = _jsonl(tmp_path, _record("IMP-001"), _record("IMP-002", language="xx"))

    call_command("import_sops", str(path), agency=home_agency.code)

    out = capsys.readouterr().out
    assert "as publisher" in out  # the agency's first publisher (before its admin), by default
    assert "[1/2] created   procedures.jsonl line 1" in out
    assert "[2/2] skipped   procedures.jsonl line 2" in out
    assert "Done: 1 created, 0 revised, 0 updated, 0 unchanged, 1 skipped" in out
    assert "skipped procedures.jsonl line 2: unknown language 'xx'" in out


def test_command_refuses_a_non_publisher(tmp_path, vocabulary, editor, home_agency):
    path = _jsonl(tmp_path, _record())
    with pytest.raises(CommandError, match="not a publisher"):
        call_command("import_sops", str(path), agency=home_agency.code, username="editor")
    assert not SOP.objects.exists()


def test_command_needs_a_publisher_when_none_is_named(tmp_path, vocabulary, editor, home_agency):
    path = _jsonl(tmp_path, _record())
    with pytest.raises(CommandError, match="no approved publisher"):
        call_command("import_sops", str(path), agency=home_agency.code)


def test_command_acts_as_an_admin_when_the_agency_has_no_publisher(
    tmp_path, vocabulary, agency_admin, home_agency, capsys
):
    call_command("import_sops", str(_jsonl(tmp_path, _record())), agency=home_agency.code)
    assert "as agency_admin" in capsys.readouterr().out
    assert SOP.objects.get().current_version.approver == agency_admin


def test_command_reports_unknown_agency_and_path(tmp_path, vocabulary, publisher, home_agency):
    with pytest.raises(CommandError, match="No agency"):
        call_command("import_sops", str(tmp_path), agency="nowhere")
    with pytest.raises(CommandError, match="neither a folder nor a file"):
        call_command("import_sops", str(tmp_path / "missing.jsonl"), agency=home_agency.code)
