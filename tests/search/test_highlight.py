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


def test_prose_without_markup_gives_the_words_markdown_gives():
    """``plain_text`` skips Markdown for prose with no markup: the same words in the same
    order as rendering it (whitespace aside: snippets collapse it); anything Markdown
    could change still goes through it."""
    import markdown
    from django.utils.html import strip_tags

    from sops import rendering

    def rendered(text):
        import html as html_lib

        return html_lib.unescape(strip_tags(markdown.markdown(text, extensions=["tables"])))

    prose = [
        "This procedure covers the reception of parcels at the border post.",
        "Samples (blood, swabs) go to the 2nd-level laboratory; 95% within 24 h.\n"
        "The courier signs, then leaves.\n\n\n  A second paragraph, indented two spaces.",
        "Filler paragraph 3 about office routine and schedules.  \nA line after a break.",
        "Лабораторные образцы доставляют курьером.\n\nВторой абзац.",
        "One trailing space \nthen a tab\t\nthen the end. ",
        "As reported [1], x = 2 > 1 ~ 3 & so on! See [12] and [a note].",
    ]
    for text in prose:
        assert not rendering.MARKUP.search(text)
        assert rendering.plain_text(text).split() == rendered(text).split()
    marked = [
        "Use **triple packaging** for every *specimen*.",
        "## 9. Transport",
        "- Record the parcel\n- Check the seals",
        "1986. The year the plan was made.",
        "Tom &amp; Jerry <b>bold</b>",
        "A [link](http://x) here.",
        "A [link] [ref] here.\n\n[ref]: http://x",
        "snake_case and __init__",
        "Title\n=====",
        "    code block",
        "| a | b |\n| - | - |\n| 1 | 2 |",
    ]
    for text in marked:
        assert rendering.MARKUP.search(text)
        assert rendering.plain_text(text) == rendered(text)
