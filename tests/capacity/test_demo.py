"""The demo capacities: the region's picture, needs of each kind and what met them; a
second run adds nothing."""

from __future__ import annotations

from capacity.demo import seed_capacity
from capacity.models import Assessment, Need, Regulation
from capacity.selectors import heat_map
from network.demo import seed_network


def test_demo_shows_the_region_and_is_safe_to_run_twice(db, django_user_model):
    seed_network()
    first = seed_capacity()
    assert seed_capacity() == first
    staff = django_user_model.objects.get(username="staff")
    hm = heat_map(user=staff)
    assert hm.year == 2025 and hm.assessed_count >= 10
    assert Assessment.objects.filter(year=2024, status="validated").count() >= 10
    assert set(Need.objects.values_list("kind", flat=True)) == set(Need.Kind.values)
    assert Need.objects.filter(met_by_delivery__isnull=False).exists()
    assert Need.objects.filter(met_by_regulation__isnull=False).exists()
    assert Regulation.objects.filter(language_id="sr", title_original__startswith="Закон").exists()
    # The TLP:RED demo assessment stays off an anonymous visitor's map, as does GREEN.
    anonymous = heat_map(user=None)
    assert {c.code for c, a, _ in anonymous.rows if a} <= {"KG", "MD"}
