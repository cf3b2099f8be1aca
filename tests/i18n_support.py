"""Reading the Russian catalogues in tests, and the Russian of strings still pending.

``po_entries`` parses a ``.po`` file (no gettext tools needed). ``pending_russian`` puts
the Russian of strings added on a branch but not yet in the app catalogues (the
``i18n-pending/*.json`` files the lead applies at merge) into the ``ru`` catalogue of
this process for one test, so a test can read real Russian before the merge; strings the
catalogues already translate are left as they are.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parents[1]


def po_entries(path: Path) -> dict:
    """``{msgid: msgstr}``; a plural is ``{(msgid, msgid_plural): [forms]}``, a context
    ``"context\\x04msgid"``. The header and obsolete entries are left out."""
    entries: dict = {}
    current: dict = {}
    field = None

    def flush():
        if "msgid" in current and current["msgid"]:
            key = current["msgid"]
            if "msgctxt" in current:
                key = f"{current['msgctxt']}\x04{key}"
            if "msgid_plural" in current:
                forms = [current[k] for k in sorted(current) if k.startswith("msgstr[")]
                entries[(key, current["msgid_plural"])] = forms
            else:
                entries[key] = current.get("msgstr", "")

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        if not line.strip():
            flush()
            current, field = {}, None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                current["fuzzy"] = True
            continue
        if line.startswith('"'):
            if field:
                current[field] += ast.literal_eval(line)
            continue
        name, _, value = line.partition(" ")
        field = name
        current[field] = ast.literal_eval(value)
    flush()
    return entries


def ru_catalogues(domain: str | None = None) -> list[Path]:
    pattern = f"{domain}.po" if domain else "*.po"
    paths = list(ROOT.glob(f"*/locale/ru/LC_MESSAGES/{pattern}"))
    paths += list(ROOT.glob(f"locale/ru/LC_MESSAGES/{pattern}"))
    return sorted(p for p in paths if ".venv" not in p.parts)


def pending_entries() -> dict:
    entries: dict = {}
    for path in sorted((ROOT / "i18n-pending").glob("*.json")):
        entries.update(json.loads(path.read_text(encoding="utf-8")))
    return entries


@pytest.fixture
def pending_russian():
    """The ``ru`` catalogue of this process, with the pending strings' Russian added."""
    catalog = trans_real.translation("ru")._catalog
    first = catalog._catalogs[0] if hasattr(catalog, "_catalogs") else catalog
    added = []
    with translation.override("ru"):
        for key, value in pending_entries().items():
            if isinstance(value, list):
                singular = key.split("|", 1)[0]
                for index, form in enumerate(value):
                    if (singular, index) not in catalog:
                        first[(singular, index)] = form
                        added.append((singular, index))
            elif key not in catalog:
                first[key] = value
                added.append(key)
    yield
    for key in added:
        first.pop(key, None)
