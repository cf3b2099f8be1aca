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


def test_seed_demo_again_keeps_password_hashes_so_nobody_is_signed_out(db):
    from django.contrib.auth import get_user_model

    call_command("seed_demo")
    User = get_user_model()
    before = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo")
    assert dict(User.objects.values_list("username", "password")) == before
    assert User.objects.get(username="member").check_password("frontline-demo")


def test_demo_experts_have_distinct_names_and_their_countrys_phone_code(db):
    from network.demo import CALLING_CODES

    call_command("seed_demo")
    names = list(Expert.objects.values_list("full_name", flat=True))
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    phones = Expert.objects.exclude(phone="").values_list("phone", "country__code")
    assert len(phones) >= 100
    for phone, country in phones:
        assert phone.startswith(f"+{CALLING_CODES[country]} "), (phone, country)
