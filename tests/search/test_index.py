"""Rebuild, check and recovery: the index is always rebuildable from the database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search import documents, index
from search.engine.reader import drop_reader
from sops.models import SOP
from tests.search.conftest import search, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sops(publish, publisher, home_agency):
    return [
        publish(publisher, home_agency, "Plague specimen shipping", "Triple packaging."),
        publish(publisher, home_agency, "Smallpox vaccination team", "Ring vaccination."),
    ]


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rebuild_indexes_everything_and_reports_progress(two_sops, member, settings):
    index.rebuild()
    output = _run("search_rebuild", "--chunk", "2")
    assert "Indexed" in output and "documents" in output
    assert "[" in output and "]" in output  # the progress bar
    assert titles(search(member, "plague")) == ["Plague specimen shipping"]
    assert (
        json.loads((settings.FRONTLINE_INDEX_DIR / index.META_FILE).read_text())["schema_version"]
        == index.SCHEMA_VERSION
    )


def test_rebuild_in_two_processes_indexes_every_document(two_sops, member):
    count = index.rebuild(chunk=3, procs=2)
    ix = index.open_index()
    assert ix.doc_count() == count == documents.count_documents() > 3
    ix.close()
    assert titles(search(member, "smallpox")) == ["Smallpox vaccination team"]


def test_check_reports_missing_stale_and_extra_and_fix_repairs_them(two_sops, member):
    plague, smallpox = two_sops
    # Changes made behind the outbox's back: the index no longer matches the database.
    SOP.objects.filter(pk=plague.pk).update(current_version=None)  # withdrawn: extra
    plague_version = plague.versions.get()
    smallpox.current_version.__class__.objects.filter(pk=smallpox.current_version_id).update(
        body="Ring vaccination and quarantine of contacts."
    )  # stale
    ix = index.open_index()
    with ix.writer() as writer:
        writer.delete_by_term("key", f"agency:{smallpox.agency_id}")  # missing
    report = index.check()
    assert report.extra == [f"sop:{plague.pk}"]
    assert report.stale == [f"sop:{smallpox.pk}"]
    assert f"agency:{smallpox.agency_id}" in report.missing
    output = _run("search_check")
    assert "missing: " in output and "stale: 1" in output and "extra: 1" in output
    assert "--fix" in output

    output = _run("search_check", "--fix")
    assert "Fixed" in output
    assert index.check().ok
    assert search(member, "plague").total == 0
    assert titles(search(member, "contacts")) == ["Smallpox vaccination team"]
    assert plague_version.status == "published"


def test_check_on_a_healthy_index_says_so(two_sops):
    assert "matches the database" in _run("search_check")


def _segment_files(path):
    """A segment's data: its terms and postings (plain files; see search.index.WRITER_OPTIONS)."""
    return sorted(p for p in path.iterdir() if p.suffix in {".seg", ".trm", ".pst"})


def _toc_files(path):
    return sorted(p for p in path.iterdir() if p.suffix == ".toc")


@pytest.mark.parametrize("damage", ["garbage_segment", "truncated_segment", "garbage_toc"])
def test_corrupted_index_is_reported_and_rebuilt(two_sops, member, settings, caplog, damage):
    index.rebuild()
    path = settings.FRONTLINE_INDEX_DIR
    drop_reader()
    if damage == "garbage_segment":
        for seg in _segment_files(path):
            seg.write_bytes(b"\x00garbage" * 64)
    elif damage == "truncated_segment":
        for seg in _segment_files(path):
            seg.write_bytes(seg.read_bytes()[:100])
    else:
        for toc in _toc_files(path):
            toc.write_bytes(b"not a table of contents")

    with pytest.raises(index.IndexUnavailable):
        index.open_index()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("search_check", stdout=out)
    assert "Search index unusable" in out.getvalue()

    # A reader finding it broken shows an error, logs it and queues a rebuild (eager here).
    results = search(member, "plague")
    assert results.error and results.hits == []
    assert "search index unusable" in caplog.text
    assert titles(search(member, "plague")) == ["Plague specimen shipping"]


def test_check_fix_rebuilds_a_broken_index(two_sops, settings):
    index.rebuild()
    for seg in _segment_files(settings.FRONTLINE_INDEX_DIR):
        seg.write_bytes(b"junk")
    output = _run("search_check", "--fix")
    assert "Rebuilt it from the database" in output
    assert index.check().ok


def test_schema_version_mismatch_means_rebuild(two_sops, member, settings, monkeypatch):
    index.rebuild()
    meta = settings.FRONTLINE_INDEX_DIR / index.META_FILE
    meta.write_text(json.dumps({"schema_version": -1, "build": "old"}))
    with pytest.raises(index.IndexUnavailable, match="schema version"):
        index.open_index()
    index.update([f"sop:{two_sops[0].pk}"])  # the writer rebuilds before writing
    assert json.loads(meta.read_text())["schema_version"] == index.SCHEMA_VERSION
    assert search(member, "smallpox").total == 1


def test_rebuild_keeps_serving_the_old_index_until_the_swap(two_sops, member, settings):
    index.rebuild()
    assert search(member, "plague").total == 1
    build_before = index.read_meta()["build"]
    index.rebuild()
    assert index.read_meta()["build"] != build_before
    assert search(member, "plague").total == 1  # the reader reopened the new build
    leftovers = [
        p.name for p in settings.FRONTLINE_INDEX_DIR.parent.iterdir() if ".build-" in p.name
    ]
    assert leftovers == []


def test_segments_are_plain_files_so_readers_do_not_copy_the_index(two_sops, settings):
    index.rebuild()
    index.update([f"sop:{two_sops[0].pk}"])
    files = list(settings.FRONTLINE_INDEX_DIR.iterdir())
    assert not [p for p in files if p.suffix == ".seg"]  # no compound segment files
    assert [p for p in files if p.suffix == ".pst"]
