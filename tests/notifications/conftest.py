"""Helpers to publish procedures through the real services, as a publisher would."""

from __future__ import annotations

import itertools

import pytest

from sops import services as sop_services
from sops.models import SOP
from tests import factories

_refs = itertools.count(1)


def publish_new(*, publisher, agency=None, visibility=SOP.Visibility.NETWORK, **extra):
    """Create and publish version 1.0 of a new SOP; returns the SOP."""
    agency = agency or publisher.expert.memberships.get().agency
    draft = sop_services.sop_create(
        agency=agency,
        reference=f"SOP-{next(_refs)}",
        title=extra.pop("title", "Sampling suspicious powders at the border"),
        body="1. Stop.\n2. Call the laboratory.",
        language=factories.language(),
        by=publisher,
        visibility=visibility,
        **extra,
    )
    sop_services.version_publish(version=draft, by=publisher)
    return SOP.objects.get(pk=draft.sop_id)


def publish_revision(*, sop, publisher, change_kind="minor", summary="Clearer steps."):
    draft = sop_services.version_start_revision(sop=sop, by=publisher, change_kind=change_kind)
    draft = sop_services.version_update(
        version=draft,
        by=publisher,
        expected_edit_count=None,
        body=draft.body + "\n3. Write it down.",
        change_summary=summary,
    )
    return sop_services.version_publish(version=draft, by=publisher)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """``publish(sop=..., publisher=..., change_kind=...)`` with after-commit work run."""

    def do(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            if "sop" in kwargs:
                return publish_revision(**kwargs)
            return publish_new(**kwargs)

    return do
