"""The demo year: what ``training/demo.py`` promises, and that a second run adds nothing."""

from __future__ import annotations

import pytest

from network.demo import seed_network
from sops.demo import seed_sops
from training import selectors
from training.demo import seed_training
from training.models import Activity, CorrectiveAction, StaleTraining

pytestmark = pytest.mark.django_db


def test_demo_year_has_the_cascade_the_exercise_and_the_closed_change_request(
    django_capture_on_commit_callbacks,
):
    seed_network()
    with django_capture_on_commit_callbacks(execute=True):
        seed_sops()
        first = seed_training()
    assert first == seed_training()  # the second run adds nothing
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"ttt", "workshop", "tabletop", "field", "awareness", "conference", "training"} <= kinds
    assert Activity.objects.filter(kind="field", scope="cross_border").exists()
    assert (
        selectors.cascade_tree().depth == 2
    )  # regional graduates, then the graduates of the national course they ran
    change = CorrectiveAction.objects.get(sop__isnull=False)
    assert change.status == "done" and change.addressed_by.number == "2.0"
    assert StaleTraining.objects.filter(
        activity__kind="field", current=change.addressed_by
    ).exists()
