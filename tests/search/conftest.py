"""Search fixtures: a private index per test, and SOPs published through the services."""

from __future__ import annotations

import itertools

import pytest

from network.models import Topic
from search.engine.reader import drop_reader
from sops import services
from sops.models import SOP
from tests import factories

_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Every test gets its own index directory, so parallel runs never share one."""
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield settings.FRONTLINE_INDEX_DIR
    drop_reader()


def topic(slug, name, kind=Topic.Kind.AREA):
    return Topic.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})[0]


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """``publish(by, agency, title, body, ...)``: create and publish an SOP, running its
    outbox handlers (and so the index update) as a commit would."""

    def do(
        by,
        agency,
        title,
        body,
        *,
        language="en",
        visibility=SOP.Visibility.PUBLIC,
        reference=None,
        topics=(),
        partner_agencies=(),
        change_summary="",
    ):
        lang = factories.language(
            language, {"en": "English", "ru": "Russian"}.get(language, language)
        )
        with django_capture_on_commit_callbacks(execute=True):
            draft = services.sop_create(
                agency=agency,
                reference=reference or f"SOP-{next(_refs):03d}",
                title=title,
                body=body,
                language=lang,
                by=by,
                visibility=visibility,
                topics=topics,
                partner_agencies=partner_agencies,
                change_summary=change_summary,
            )
            version = services.version_publish(version=draft, by=by)
        return version.sop

    return do


def search(user, text="", **kwargs):
    from search import service as query

    return query.search(user=user, text=text, **kwargs)


def titles(results) -> list[str]:
    from django.utils.html import strip_tags

    return [strip_tags(str(hit.title)) for hit in results.hits]
