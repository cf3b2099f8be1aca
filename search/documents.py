"""What goes into the index, built from the database by the types in ``search.registry``.

Plain dicts keyed by schema field; no Whoosh here. The database is the only source of
truth: any document can be rebuilt from it at any time, and ``fingerprint`` lets
``search_check`` tell a stale document from a fresh one. The apps' builders
(``<app>/search_documents.py``) share the helpers below.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator

from network.models import Topic
from search import registry

CHUNK = 200


def split_key(key: str) -> tuple[str, int]:
    doctype, _, pk = key.partition(":")
    return doctype, int(pk)


def join(values: Iterable) -> str:
    """A comma-separated keyword field: distinct, sorted, empties left out."""
    return ",".join(sorted({str(v) for v in values if v not in (None, "")}))


def finish(doc: dict) -> dict:
    """The document with its fingerprint, empty fields left out."""
    payload = json.dumps(doc, sort_keys=True, default=str)
    doc["fingerprint"] = hashlib.sha1(payload.encode()).hexdigest()
    return {k: v for k, v in doc.items() if v not in (None, "")}


HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def headings(markdown: str) -> str:
    """The Markdown headings of a body, one a line."""
    return "\n".join(HEADING.findall(markdown or ""))


def split_topics(topics) -> tuple[list, list]:
    """CBRN areas and CBRN categories (the "topic" and "category" facets)."""
    areas = [t for t in topics if t.kind != Topic.Kind.CATEGORY]
    categories = [t for t in topics if t.kind == Topic.Kind.CATEGORY]
    return areas, categories


def documents_for(keys: Iterable[str]) -> dict[str, dict]:
    """The documents the database holds now for ``keys``; a missing key means delete."""
    wanted: dict[str, set[int]] = {}
    for key in keys:
        doctype, pk = split_key(key)
        wanted.setdefault(doctype, set()).add(pk)
    docs = {}
    for name, pks in wanted.items():
        doctype = registry.get(name)
        if doctype is None:  # a type no app declares any more: its documents go
            continue
        for obj in doctype.queryset().filter(pk__in=pks):
            docs[f"{name}:{obj.pk}"] = doctype.document(obj)
    return docs


def all_documents(chunk: int = CHUNK) -> Iterator[dict]:
    """Every document the index should hold, read in chunks to bound memory."""
    for doctype in registry.types():
        for obj in doctype.queryset().iterator(chunk_size=chunk):
            yield doctype.document(obj)


def count_documents() -> int:
    return sum(doctype.queryset().count() for doctype in registry.types())
