"""The only code that writes the index: open it, update documents, rebuild, check.

One writer at a time (Whoosh's rule): in services mode these run only in the one
``search`` queue consumer; in the embedded default they run in-process and take
Whoosh's lock. The index directory is read from settings on every call.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.index import LockError

from search import documents
from search.schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

META_FILE = "frontline-search.json"
WRITER_TIMEOUT = 60.0
WRITER_LIMITMB = 128
# Segments as plain files, not one compound file: whoosh-reloaded opens a file inside a
# compound segment by copying it into a BytesIO, so every reader (each web process, the
# rebuild's final check) held a private copy of the whole index in memory. As plain files
# they are read where they lie. Measured on 5,041 documents: a reader costs 2 MB instead
# of 212 MB, and the rebuild's peak drops from 433 to 231 MB.
WRITER_OPTIONS = {"limitmb": WRITER_LIMITMB, "compound": False}


class IndexUnavailable(Exception):
    """The index is missing, of another schema version, or cannot be read."""


def index_dir() -> Path:
    return Path(settings.FRONTLINE_INDEX_DIR)


def read_meta(path: Path | None = None) -> dict | None:
    try:
        return json.loads(((path or index_dir()) / META_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_meta(path: Path) -> None:
    meta = {"schema_version": SCHEMA_VERSION, "build": uuid.uuid4().hex}
    (path / META_FILE).write_text(json.dumps(meta))


def open_index(path: Path | None = None):
    """Open the index and prove it can be read, or raise ``IndexUnavailable`` saying why."""
    path = path or index_dir()
    meta = read_meta(path)
    if meta is None:
        raise IndexUnavailable(f"no search index at {path}")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"search index at {path} has schema version {meta.get('schema_version')}, "
            f"this code needs {SCHEMA_VERSION}"
        )
    try:
        if not whoosh_index.exists_in(str(path)):
            raise IndexUnavailable(f"no search index at {path}")
        ix = whoosh_index.open_dir(str(path))
        probe(ix)
    except IndexUnavailable:
        raise
    except Exception as exc:  # any failure to read is a broken index, whatever Whoosh raised
        raise IndexUnavailable(f"search index at {path} cannot be read: {exc!r}") from exc
    return ix


def probe(ix) -> None:
    """Read a little of every segment: a truncated or garbled file fails here, not later."""
    with ix.searcher() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            reader.doc_count()
            for name in ("doctype", "visibility"):
                for term in reader.lexicon(name):
                    reader.doc_frequency(name, term)
            for docnum in reader.all_doc_ids():
                reader.stored_fields(docnum)
                break


def _create(path: Path):
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), build_schema())
    _write_meta(path)
    return ix


def ensure_index(path: Path | None = None):
    """The index, rebuilt from the database first if it is missing or broken."""
    path = path or index_dir()
    try:
        return open_index(path)
    except IndexUnavailable as exc:
        if read_meta(path) is None and not path.exists():
            log.info("%s; building it", exc)
        else:
            log.error("search index unusable, rebuilding it from the database: %s", exc)
        rebuild(path=path)
        return open_index(path)


def update(keys: Iterable[str], *, path: Path | None = None) -> dict[str, int]:
    """Bring the documents for ``keys`` ("sop:12", ...) in line with the database."""
    keys = sorted(set(keys))
    if not keys:
        return {"updated": 0, "deleted": 0}
    docs = documents.documents_for(keys)
    ix = ensure_index(path)
    updated = deleted = 0
    try:
        with ix.writer(timeout=WRITER_TIMEOUT, **WRITER_OPTIONS) as writer:
            for key in keys:
                doc = docs.get(key)
                if doc is None:
                    writer.delete_by_term("key", key)
                    deleted += 1
                else:
                    writer.update_document(**doc)
                    updated += 1
    except LockError:
        raise  # another writer holds the index: the task retries
    except Exception as exc:  # a segment broke under the writer: the database has it all
        log.error("search index write failed, rebuilding it from the database: %r", exc)
        rebuild(path=path)
        return {"updated": len(docs), "deleted": len(keys) - len(docs), "rebuilt": 1}
    log.info("search index: %d updated, %d deleted (%s)", updated, deleted, ", ".join(keys[:5]))
    return {"updated": updated, "deleted": deleted}


# A rebuild commits every COMMIT_EVERY documents, each commit adding its segments as
# they are (one per process). Segments are what a search pays for: at 20,000 SOPs, 14
# segments made a one-term search three times slower than one segment. Merging them is
# no way out either: Whoosh's default commit merges small segments, re-reading a growing
# index each time (82% of a rebuild's time), and merging everything at the end took
# longer than indexing. So the rebuild commits rarely (each process spills its postings
# to disk past ``limitmb``, so memory stays bounded without commits): at the platform's
# size, one segment per analysing process.
COMMIT_EVERY = 50_000
PROGRESS_EVERY = 250
JOB_SIZE = 250


def rebuild(
    *,
    chunk: int = COMMIT_EVERY,
    progress: Callable[[int, int], None] | None = None,
    path=None,
    procs: int = 1,
) -> int:
    """Build a fresh index beside the live one, committing every ``chunk`` documents,
    then swap it in. Searches keep using the old index until the swap.

    ``procs`` > 1 analyses documents in that many child processes (Whoosh's own
    ``MpWriter``); the command line uses it, a worker process (which may not have
    children) does not. The swap only happens if every document made it in.
    """
    final = Path(path or index_dir())
    final.parent.mkdir(parents=True, exist_ok=True)
    build = final.parent / f".{final.name}.build-{uuid.uuid4().hex[:8]}"
    total = documents.count_documents()
    done = 0
    try:
        ix = _create(build)
        writer = _chunk_writer(ix, procs, chunk)
        for doc in documents.all_documents():
            writer.add_document(**doc)
            done += 1
            if done % chunk == 0:
                writer.commit(merge=False)
                writer = _chunk_writer(ix, procs, chunk)
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        writer.commit(merge=False)
        if progress:
            progress(done, total)
        probe(ix)
        indexed = ix.doc_count()
        ix.close()
        if indexed != done:
            raise IndexUnavailable(f"rebuild indexed {indexed} of {done} documents")
        _swap(build, final)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    log.info("search index rebuilt at %s: %d documents", final, done)
    return done


def _chunk_writer(ix, procs: int, chunk: int):
    if procs <= 1:
        return ix.writer(**WRITER_OPTIONS)
    # Small job files, each taken by whichever process is free, keep both busy to the end.
    batch = max(1, min(JOB_SIZE, chunk // procs))
    return ix.writer(procs=procs, batchsize=batch, multisegment=True, **WRITER_OPTIONS)


def _swap(build: Path, final: Path) -> None:
    old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
    if final.exists():
        os.rename(final, old)
    os.rename(build, final)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class CheckReport:
    """What ``search_check`` found in one index copy: document keys by problem, and an
    unreadable index."""

    path: Path
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str = ""
    fixed: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.error)


def fingerprints(ix) -> dict[str, str]:
    """Every document in an index, by key: the fingerprint of the data it was made from."""
    with ix.searcher() as searcher:
        return {
            stored["key"]: stored.get("fingerprint", "") for stored in searcher.all_stored_fields()
        }


def check(*, fix: bool = False, path: Path | None = None) -> CheckReport:
    """Compare an index copy (this host's by default) with the database; with ``fix``,
    repair what differs."""
    report = CheckReport(path=Path(path or index_dir()))
    try:
        ix = open_index(report.path)
    except IndexUnavailable as exc:
        report.error = str(exc)
        if fix:
            rebuild(path=report.path)
            report.fixed = True
        return report
    indexed = fingerprints(ix)
    seen = set()
    for doc in documents.all_documents():
        key = doc["key"]
        seen.add(key)
        if key not in indexed:
            report.missing.append(key)
        elif indexed[key] != doc["fingerprint"]:
            report.stale.append(key)
    report.extra = sorted(set(indexed) - seen)
    if fix and not report.ok:
        update(report.missing + report.stale + report.extra, path=report.path)
        report.fixed = True
    return report
