"""The document types of the index, each declared by the app that owns its data.

An app puts a ``search_documents.py`` module beside its models that calls ``register``;
``SearchConfig.ready`` imports every installed app's one (``discover``). The index, its
rebuild and ``search_check``, the hits and their hiding, the type facet's labels and the
reindexing on events all read this registry: adding a type edits no module of ``search``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def stored_url(stored: dict) -> str:
    """The link a document stored for itself (its ``url`` field)."""
    return stored.get("url", "")


@dataclass(frozen=True)
class DocType:
    """One kind of document: where its rows come from, how each becomes a document,
    and who may see its hits."""

    # The prefix of its keys ("sop" in "sop:12") and its value in the "type" facet.
    name: str
    # What the "type" facet and a hit call it (a lazy translation).
    label: Any
    # Every row the index should hold (a queryset that ``filter(pk__in=...)`` narrows).
    queryset: Callable[[], Any]
    # The index document of one row: a dict built with ``search.documents.finish``.
    document: Callable[[Any], dict]
    # ``shown(pks, user, terms)``: of the hits' pks, those the database lets ``user`` see
    # now, each with the plain text to cut its snippet from ("" for none; ``terms`` None
    # means no snippets are wanted, so read no text). The index filtered by visibility
    # already; this is the second check that catches a reindex still queued.
    shown: Callable[[list[int], Any, frozenset | None], dict[int, str]]
    # The link of a hit, from its stored fields.
    url: Callable[[dict], str] = stored_url
    # Events that change a document: event kind -> the payload field holding its pk.
    reindex_on: Mapping[str, str] = field(default_factory=dict)
    # Where its documents come in a rebuilt index. Hits of equal score rank by document
    # number, so the order is part of what a search shows: keep it when adding a type.
    position: int = 100


_types: dict[str, DocType] = {}


def register(doctype: DocType) -> DocType:
    """Declare a document type (again with the same name: replaced, for tests and reloads)."""
    _types[doctype.name] = doctype
    return doctype


def get(name: str) -> DocType | None:
    return _types.get(name)


def types() -> list[DocType]:
    """Every type, in the order a rebuild writes them."""
    return sorted(_types.values(), key=lambda t: t.position)


def label(name: str) -> str:
    found = _types.get(name)
    return str(found.label) if found else name


def reindexed_by(kind: str) -> list[tuple[DocType, str]]:
    """(type, payload field of the pk) for each type an event of ``kind`` changes."""
    return [(t, t.reindex_on[kind]) for t in types() if kind in t.reindex_on]


def event_kinds() -> list[str]:
    return sorted({kind for t in _types.values() for kind in t.reindex_on})


def shown_to_everyone(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """``DocType.shown`` of a public type without snippets: every hit stands."""
    return dict.fromkeys(pks, "")


def discover() -> None:
    """Import each installed app's ``search_documents`` module, which registers its types."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("search_documents")
