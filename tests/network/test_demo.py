from django.core.management import call_command

from network.models import Agency, Expert, Membership


def test_seed_demo_is_deterministic_and_safe_to_run_twice(db):
    call_command("seed_demo")
    first = list(
        Expert.objects.order_by("user__username").values_list(
            "user__username", "full_name", "is_trainer"
        )
    )
    counts = (Agency.objects.count(), Expert.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    again = list(
        Expert.objects.order_by("user__username").values_list(
            "user__username", "full_name", "is_trainer"
        )
    )
    assert first == again
    assert counts == (Agency.objects.count(), Expert.objects.count(), Membership.objects.count())
    assert counts[0] >= 30 and counts[1] >= 120
    assert Membership.objects.get(expert__user__username="publisher").role == "publisher"
    assert Membership.objects.get(expert__user__username="applicant").status == "pending"
