"""Compare two versions as readers see them: the rendered text, block by block.

Both bodies go through the same Markdown renderer and sanitiser as the pages; the HTML is
cut into blocks (a heading, a paragraph, a list item, a table row, a code block), the
blocks are aligned with ``difflib`` on their text, and inside each changed pair the
words are compared by ``sops.diff.word_diff``. So a changed word in a table cell shows
in that cell, and the side-by-side columns stay aligned row by row. Markup characters
(``##``, ``**``, ``| --- |``) never appear: only the text does.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.html import escape

from sops.diff import word_diff
from sops.rendering import render_markdown

BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "dt", "dd"}
CELL_TAGS = {"td", "th"}


@dataclass
class Block:
    kind: str  # the HTML tag it came from: "p", "li", "tr", "h2", ...
    cells: list[str] = field(default_factory=lambda: [""])
    header: bool = False  # a table row of <th>

    @property
    def key(self) -> str:
        return f"{self.kind}\x00" + "\x01".join(" ".join(c.split()) for c in self.cells)


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: list[str] = []  # the block tags entered, outermost first
        self.current: Block | None = None

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            if self.current is not None and self.current.kind == "li" and tag != "li":
                self.open.append(tag)  # a paragraph inside a list item stays in the item
                return
            if self.current is not None:
                self._close()
            self.current = Block(kind=tag, cells=[] if tag == "tr" else [""])
            self.open.append(tag)
        elif tag in CELL_TAGS and self.current is not None and self.current.kind == "tr":
            self.current.cells.append("")
            self.current.header = tag == "th"
        elif tag == "br" and self.current is not None:
            self._text(" ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS and tag in self.open:
            while self.open:
                if self.open.pop() == tag:
                    break
            if self.current is not None and self.current.kind == tag:
                self._close()
                if self.open and self.open[-1] == "li":  # back in an outer item
                    self.current = Block(kind="li")

    def handle_data(self, data):
        if self.current is None:
            if data.strip():
                self.current = Block(kind="p")
            else:
                return
        self._text(data)

    def _text(self, data: str) -> None:
        if not self.current.cells:
            if not data.strip():  # the space between <tr> and its first cell
                return
            self.current.cells.append("")
        self.current.cells[-1] += data

    def _close(self) -> None:
        block = self.current
        self.current = None
        if block is not None and any(c.strip() for c in block.cells):
            block.cells = [c.strip() for c in block.cells]
            self.blocks.append(block)


def blocks_of(body: str) -> list[Block]:
    parser = _Blocks()
    parser.feed(render_markdown(body or "").html)
    parser.close()
    if parser.current is not None:
        parser._close()
    return parser.blocks


@dataclass
class Row:
    """One aligned row: the old block and the new one (either may be missing)."""

    kind: str
    left: list[str] | None  # cell HTML, escaped, with <del> marks
    right: list[str] | None  # cell HTML, escaped, with <ins> marks
    inline: list[str]  # cell HTML with both marks
    change: str  # "equal", "insert", "delete", "replace"
    header: bool = False


@dataclass
class RenderedDiff:
    rows: list[Row]
    added: int
    removed: int


def _whole(cells: list[str], mark: str) -> list[str]:
    return [f"<{mark}>{escape(c)}</{mark}>" if c else "" for c in cells]


def _pair(old: Block, new: Block) -> tuple[Row, int, int]:
    width = max(len(old.cells), len(new.cells))
    a = old.cells + [""] * (width - len(old.cells))
    b = new.cells + [""] * (width - len(new.cells))
    diffs = [word_diff(x, y) for x, y in zip(a, b, strict=True)]
    row = Row(
        kind=new.kind,
        left=[d.left for d in diffs],
        right=[d.right for d in diffs],
        inline=[d.inline for d in diffs],
        change="replace",
        header=new.header,
    )
    return row, sum(d.added for d in diffs), sum(d.removed for d in diffs)


def _words(cells: list[str]) -> int:
    return sum(len(c.split()) for c in cells)


def rendered_diff(old: str, new: str) -> RenderedDiff:
    a, b = blocks_of(old), blocks_of(new)
    matcher = difflib.SequenceMatcher(None, [x.key for x in a], [y.key for y in b], autojunk=False)
    rows: list[Row] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for block in a[i1:i2]:
                cells = [escape(c) for c in block.cells]
                rows.append(Row(block.kind, cells, cells, cells, "equal", block.header))
            continue
        olds, news = a[i1:i2], b[j1:j2]
        # Changed blocks of the same kind pair up in order (a reworded paragraph, an
        # edited table row); what is left over was deleted or inserted.
        paired = 0
        while paired < min(len(olds), len(news)) and olds[paired].kind == news[paired].kind:
            row, plus, minus = _pair(olds[paired], news[paired])
            rows.append(row)
            added, removed = added + plus, removed + minus
            paired += 1
        for block in olds[paired:]:
            removed += _words(block.cells)
            cells = _whole(block.cells, "del")
            rows.append(Row(block.kind, cells, None, cells, "delete", block.header))
        for block in news[paired:]:
            added += _words(block.cells)
            cells = _whole(block.cells, "ins")
            rows.append(Row(block.kind, None, cells, cells, "insert", block.header))
    return RenderedDiff(rows, added, removed)
