"""The one index's schema. Bump ``SCHEMA_VERSION`` on any change: a mismatch means rebuild."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NGRAMWORDS, STORED, TEXT, Schema

from search.analysis import (
    ANALYZERS,
    LANGUAGE_FAMILIES,
    folding_analyzer,
    reference_analyzer,
)

SCHEMA_VERSION = 2

# Document types are declared by their apps (``search.registry``); every one fills the
# same fields. Facets a user can narrow by: index field -> query-string parameter.
FACETS = ("type", "topic", "category", "country", "agency", "language")
FACET_FIELDS = {
    "type": "doctype",
    "topic": "topics",
    "category": "categories",
    "country": "country",
    "agency": "agency",
    "language": "language",
}

# Field boosts: a hit on the reference code or the title counts above one in a heading
# of the body, and a heading above the rest of the body.
BOOSTS = {"reference": 6.0, "title": 3.0, "heading": 1.8, "meta": 1.2, "body": 1.0}


def text_fields() -> list[str]:
    """The fields a user's words are looked up in."""
    fields = ["reference", "meta"]
    for fam in LANGUAGE_FAMILIES:
        fields += [f"title_{fam}", f"heading_{fam}", f"body_{fam}"]
    return fields


def field_boosts() -> dict[str, float]:
    boosts = {"reference": BOOSTS["reference"], "meta": BOOSTS["meta"]}
    for fam in LANGUAGE_FAMILIES:
        boosts[f"title_{fam}"] = BOOSTS["title"]
        boosts[f"heading_{fam}"] = BOOSTS["heading"]
        boosts[f"body_{fam}"] = BOOSTS["body"]
    return boosts


def build_schema() -> Schema:
    fields = {
        # "sop:12", "expert:3", "agency:7": the type's name and the row's pk
        "key": ID(unique=True, stored=True),
        "doctype": ID(stored=True),
        "pk": STORED(),
        # What search_check compares with the database to find stale documents.
        "fingerprint": STORED(),
        "reference": TEXT(analyzer=reference_analyzer(), stored=True),
        "meta": TEXT(analyzer=folding_analyzer()),
        # Shown in results without a database query.
        "title": STORED(),
        "subtitle": STORED(),
        "url": STORED(),
        # Facets and the visibility filter.
        "topics": KEYWORD(commas=True, stored=True),
        "categories": KEYWORD(commas=True, stored=True),
        "country": KEYWORD(commas=True, stored=True),
        "region": KEYWORD(commas=True, stored=True),
        "agency": KEYWORD(commas=True, stored=True),
        "language": KEYWORD(commas=True, stored=True),
        "visibility": ID(stored=True),
        # Agencies that may see an agency-only SOP: the owner and its partners.
        "allowed": KEYWORD(commas=True),
        "date": DATETIME(stored=True, sortable=True),
        # Unstemmed, folded words: "did you mean" and typo correction draw from here.
        "spell": TEXT(analyzer=folding_analyzer(minsize=3), phrase=False),
        # Edge n-grams of titles, codes and names for autocomplete.
        "complete": NGRAMWORDS(minsize=2, maxsize=16, at="start"),
    }
    for fam in LANGUAGE_FAMILIES:
        fields[f"title_{fam}"] = TEXT(analyzer=ANALYZERS[fam]())
        # The body's Markdown headings ("## Decontamination"), also in the body.
        fields[f"heading_{fam}"] = TEXT(analyzer=ANALYZERS[fam]())
        fields[f"body_{fam}"] = TEXT(analyzer=ANALYZERS[fam]())
    return Schema(**fields)
