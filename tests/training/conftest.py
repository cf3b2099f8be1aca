"""Fixtures of the training tests: an organising agency's publisher, a participant agency."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from network.models import Membership
from tests import factories
from training import services


@pytest.fixture
def participant_agency(db):
    return factories.agency(
        "border-police", country_code="MD", kind="border_police", name="Border Police", acronym="BP"
    )


@pytest.fixture
def participant(participant_agency):
    return factories.expert(
        agency=participant_agency, role=Membership.Role.MEMBER, username="participant"
    ).user


@pytest.fixture
def participant_admin(participant_agency):
    return factories.expert(
        agency=participant_agency, role=Membership.Role.ADMIN, username="bp_admin"
    ).user


@pytest.fixture
def make_activity(home_agency, publisher):
    """``make_activity(kind=..., publish=True, **fields)``: an activity organised by the home agency."""

    def make(*, publish=True, agencies=(), topics=(), sop_versions=(), **fields):
        today = timezone.localdate()
        fields.setdefault("title", "National table-top exercise")
        fields.setdefault("kind", "tabletop")
        fields.setdefault("scope", "national")
        fields.setdefault("starts", today + datetime.timedelta(days=10))
        fields.setdefault("ends", fields["starts"] + datetime.timedelta(days=1))
        fields.setdefault("place", "Chișinău")
        activity = services.activity_create(
            by=publisher,
            organiser=home_agency,
            agencies=agencies,
            topics=topics,
            sop_versions=sop_versions,
            **fields,
        )
        if publish:
            activity = services.activity_publish(by=publisher, activity=activity)
        return activity

    return make
