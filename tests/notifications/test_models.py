"""The database keeps subscriptions and notifications honest on its own."""

import pytest
from django.db import IntegrityError, transaction

from events.registry import handlers_for
from notifications.models import Subscription


def test_a_subscription_names_exactly_the_target_of_its_kind(member, home_agency, other_agency):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=member, kind="sop", agency=home_agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=member, kind="agency")
    Subscription.objects.create(user=member, kind="agency", agency=other_agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=member, kind="agency", agency=other_agency)


def test_the_fan_out_handler_is_registered_for_every_sop_event():
    for kind in ("sop.published", "sop.withdrawn", "sop.review_due"):
        assert "notifications.handlers.on_sop_event" in handlers_for(kind)
