"""What one render costs at the body caps of sops/limits.py, beside real documents.

Prints figures, asserts nothing; needs no database. Each hostile body is as long as the
cap allows and nests as deep as the cap allows; the peers are the corpus's longest real
document and the refused issue-17 payload's cost at a size it can still be timed at.

    .venv/bin/python bench/render_limits.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

import django  # noqa: E402

django.setup()

from sops.limits import MAX_BODY_CHARS, MAX_HTML_TAGS, MAX_NESTING, body_problem  # noqa: E402
from sops.rendering import render_markdown  # noqa: E402


def fill(unit: str, *, tags_per_unit: int = 0) -> str:
    """``unit`` repeated up to the caps (size, and HTML tags), the rest in plain words."""
    times = MAX_BODY_CHARS // len(unit)
    if tags_per_unit:
        times = min(times, MAX_HTML_TAGS // tags_per_unit)
    body = unit * times
    return body + "word " * ((MAX_BODY_CHARS - len(body)) // 5)


def hostile() -> dict[str, str]:
    n = MAX_NESTING
    return {
        "nested divs, one block": fill("<div>" * n + "x" + "</div>" * n, tags_per_unit=2 * n),
        "nested divs, blocks": fill("<div>" * n + "x" + "</div>" * n + "\n\n", tags_per_unit=2 * n),
        "flat html blocks": fill("<div>x</div>\n", tags_per_unit=2),
        "brackets in one paragraph": fill("[" * n + "a" + "]" * n + " "),
        "short bracketed paragraphs": fill("[" * 8 + "a" + "]" * 8 + "\n\n"),
        "plain words": fill("word "),
        "open links in one paragraph": fill("[a](b " * n + ")" * n + " "),
        "emphasis": fill("*a "),
        "wide table": fill("|a")[: MAX_BODY_CHARS - 2001] + "\n" + "|-" * 1000,
        "nested quotes": fill(">" * n + " x\n"),
        "nested lists": fill("".join("    " * i + "- a\n" for i in range(n))),
    }


def timed(body: str) -> float:
    started = time.perf_counter()
    render_markdown(body)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args()
    print(f"caps: {MAX_BODY_CHARS:,} characters, nesting {MAX_NESTING}")
    with open(Path(args.corpus) / "docs.jsonl") as lines:
        docs = [json.loads(line) for line in lines]
    longest = max(docs, key=lambda d: len(d["text"]))["text"]
    print(f"{'peer: longest corpus document':40} {len(longest):>9,} chars {timed(longest):6.2f} s")
    payload = "<div>" * 8000 + "x" + "</div>" * 8000
    print(
        f"{'peer: issue payload at 1/8 depth':40} {len(payload):>9,} chars {timed(payload):6.2f} s"
        f"  refused: {bool(body_problem(payload))}"
    )
    for name, body in hostile().items():
        refused = body_problem(body)
        note = f"  REFUSED: {refused}" if refused else ""
        print(f"{name:40} {len(body):>9,} chars {timed(body):6.2f} s{note}")


if __name__ == "__main__":
    main()
