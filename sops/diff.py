"""Word-level comparison of two versions' text, as escaped HTML for inline and side-by-side views."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Diff:
    inline: str
    left: str
    right: str
    added: int
    removed: int


def _html(tokens: list[str]) -> str:
    return escape("".join(tokens))


def word_diff(old: str, new: str) -> Diff:
    """Compare token by token (words, spaces, punctuation) so a changed word shows alone."""
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    inline, left, right = [], [], []
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = _html(a[i1:i2]), _html(b[j1:j2])
        if op == "equal":
            inline.append(old_part)
            left.append(old_part)
            right.append(new_part)
            continue
        if i2 > i1:
            removed += sum(1 for t in a[i1:i2] if not t.isspace())
            inline.append(f"<del>{old_part}</del>")
            left.append(f"<del>{old_part}</del>")
        if j2 > j1:
            added += sum(1 for t in b[j1:j2] if not t.isspace())
            inline.append(f"<ins>{new_part}</ins>")
            right.append(f"<ins>{new_part}</ins>")
    return Diff("".join(inline), "".join(left), "".join(right), added, removed)
