"""Markdown to safe HTML. Bodies come from agencies' editors and imports: never trust them."""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass

import markdown
import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: str


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(body: str) -> Rendered:
    """HTML with anchored headings and a table of contents, both sanitised."""
    md = markdown.Markdown(
        extensions=["toc", "tables", "fenced_code", "sane_lists"],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-4"}},
    )
    html = md.convert(body or "")
    return Rendered(html=sanitise(html), toc=sanitise(getattr(md, "toc", "")))


_plain = threading.local()


# What Markdown (with tables) or HTML could make of a text: marks, escapes, tags,
# entities, links ("[text](url)", "[text][ref]", "[ref]: url"), table bars, and lines
# opening a heading, quote, list, rule or code block, or underlining a heading. A text
# with none of these is rendered as its own paragraphs (a bracket alone, "[1]", stays).
MARKUP = re.compile(
    r"[\\`*_<|]|&(?:#|\w+;)|\]\s*[\[(]|^[ \t]*\[[^\]]*\]:"
    r"|^[ \t]*(?:[-+>#=]|\d+[.)])|^(?: {4}|\t)",
    re.M,
)
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def plain_text(body: str) -> str:
    """The words a reader sees, without Markdown marks or HTML: for snippets and previews.

    Prose with no markup (``MARKUP``) is returned without running Markdown (most of a
    snippet's cost), its paragraphs one a line: the words rendering gives, in the same
    order, spaces at line ends aside (a snippet collapses whitespace). Else one
    converter per thread, reset between texts: building a new one loads its extensions
    again, which cost more than converting a snippet's passage.
    """
    if not MARKUP.search(body or ""):
        return BLANK_LINES.sub("\n", (body or "").strip())
    md = getattr(_plain, "md", None)
    if md is None:
        md = _plain.md = markdown.Markdown(extensions=["tables"])
    try:
        return html.unescape(strip_tags(md.convert(body or "")))
    finally:
        md.reset()


# Bump when the Markdown extensions or the sanitiser's allow-lists change: stored HTML
# made by an older renderer is then rendered again on its next view.
RENDERER = 1


def rendered_for_storage(body: str) -> dict:
    """What a published version keeps in ``SOPVersion.rendered``."""
    rendered = render_markdown(body)
    return {"renderer": RENDERER, "html": rendered.html, "toc": rendered.toc}


def version_rendered(version) -> Rendered:
    """A version's HTML: rendered once for a published (never changing) version and kept
    on its row, so a page or API view costs a read, not a render. Drafts render each time.
    """
    stored = version.rendered or {}
    if stored.get("renderer") == RENDERER:
        return Rendered(html=stored["html"], toc=stored["toc"])
    if version.major is None:  # a draft or a version in review: its text still changes
        return render_markdown(version.body)
    version.rendered = rendered_for_storage(version.body)
    type(version).objects.filter(pk=version.pk).update(rendered=version.rendered)
    return Rendered(html=version.rendered["html"], toc=version.rendered["toc"])
