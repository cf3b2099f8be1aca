"""Snippets: cut from the passage holding the query's words, marked, Markdown removed."""

from __future__ import annotations

from search import highlight
from sops.rendering import plain_text

BODY = "\n\n".join(
    [
        "## 1. Scope",
        "This procedure covers the reception of parcels at the border post.",
        "- Record the parcel\n- Check the seals",
        *[f"Filler paragraph {n} about office routine and schedules." for n in range(40)],
        "## 9. Transport\n\nUse **triple packaging** for every *specimen* of category A.",
        "Closing remarks.",
    ]
)


def test_passage_is_the_block_with_the_most_distinct_matches():
    terms = frozenset({"tripl", "packag", "specimen"})  # English stems, as indexed
    found = highlight.passage(BODY, terms)
    assert found.startswith("Use **triple packaging**")
    assert len(found) < 600


def test_snippet_of_a_late_passage_marks_the_words_without_markdown():
    terms = frozenset({"tripl", "packag"})
    html = str(highlight.snippet(plain_text(highlight.passage(BODY, terms)), terms))
    assert "<mark>triple</mark> <mark>packaging</mark>" in html
    assert "**" not in html and "Filler" not in html


def test_without_matches_the_passage_is_the_start():
    found = highlight.passage(BODY, frozenset({"zebra"}))
    assert found.startswith("## 1. Scope")
    assert "Filler paragraph 20 " not in found  # about 2 x 260 characters


def test_words_are_marked_in_any_inflection_the_stem_covers():
    spans = highlight._spans("Laboratories and laboratory staff", frozenset({"laboratori"}))
    assert len(spans) == 2
