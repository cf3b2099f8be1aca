"""Who hears about an SOP event: defaults, specificity, levels, acknowledgement, visibility."""

from network.models import Membership
from notifications.models import Subscription
from notifications.recipients import recipients_for
from sops.models import SOP
from tests import factories
from tests.notifications.conftest import publish_new

Level = Subscription.Level


def follow(user, target, level=Level.ALL, **channels):
    kind = type(target).__name__.lower()
    return Subscription.objects.create(
        user=user, kind=kind, level=level, **{kind: target}, **channels
    )


def hears(sop, kind="sop.published", change_kind="minor", actor=None):
    return recipients_for(
        sop=sop, event_kind=kind, change_kind=change_kind, actor_id=actor.pk if actor else None
    )


def test_members_of_the_owning_agency_follow_its_sops_by_default(publisher, member):
    sop = publish_new(publisher=publisher)
    result = hears(sop, actor=publisher)
    assert member.pk in result and result[member.pk].subscription_id is None
    assert result[member.pk].in_app and not result[member.pk].email_now


def test_the_actor_is_not_told_about_their_own_publication(publisher, member):
    sop = publish_new(publisher=publisher)
    assert publisher.pk not in hears(sop, actor=publisher)


def test_muted_sop_stays_silent_even_if_its_agency_is_followed(
    publisher, member, outsider, home_agency
):
    sop = publish_new(publisher=publisher)
    follow(outsider, home_agency)
    follow(outsider, sop, Level.MUTED)
    follow(member, sop, Level.MUTED)
    result = hears(sop, change_kind="major")
    assert outsider.pk not in result
    assert member.pk not in result  # even the acknowledgement request: muted means muted


def test_most_specific_subscription_wins(publisher, outsider, home_agency):
    topic = factories.topic()
    sop = publish_new(publisher=publisher, topics=[topic])
    follow(outsider, topic, Level.MUTED)
    follow(outsider, home_agency, Level.ALL, email_now=True)
    assert hears(sop)[outsider.pk].email_now
    follow(outsider, sop, Level.MAJOR)
    assert outsider.pk not in hears(sop, change_kind="minor")
    assert outsider.pk in hears(sop, change_kind="major")


def test_major_level_hears_major_revisions_and_withdrawals_only(publisher, outsider):
    sop = publish_new(publisher=publisher)
    follow(outsider, sop, Level.MAJOR)
    assert outsider.pk not in hears(sop, change_kind="minor")
    assert outsider.pk not in hears(sop, kind="sop.review_due", change_kind=None)
    assert outsider.pk in hears(sop, kind="sop.withdrawn", change_kind=None)


def test_country_region_topic_and_expert_subscriptions_match(publisher, other_agency):
    topic = factories.topic()
    sop = publish_new(publisher=publisher, topics=[topic])
    people = [factories.expert(agency=other_agency).user for _ in range(4)]
    country = sop.countries.get()
    follow(people[0], topic)
    follow(people[1], country)
    follow(people[2], country.region)
    follow(people[3], publisher.expert)
    result = recipients_for(
        sop=sop, event_kind="sop.published", change_kind="minor", author_user_ids=(publisher.pk,)
    )
    assert {p.pk for p in people} <= set(result)


def test_members_who_muted_their_agency_still_get_the_major_revision_to_acknowledge(
    publisher, member, home_agency
):
    sop = publish_new(publisher=publisher)
    follow(member, home_agency, Level.MUTED)
    assert member.pk not in hears(sop, change_kind="minor")
    result = hears(sop, change_kind="major")
    assert result[member.pk].acknowledge


def test_outsider_following_an_agency_never_hears_of_its_agency_only_sop(
    publisher, outsider, home_agency
):
    sop = publish_new(publisher=publisher, visibility=SOP.Visibility.AGENCY)
    follow(outsider, home_agency)
    follow(outsider, sop.countries.get())
    assert outsider.pk not in hears(sop)


def test_partner_agency_members_following_hear_of_agency_only_sop(
    publisher, outsider, other_agency
):
    sop = publish_new(
        publisher=publisher, visibility=SOP.Visibility.AGENCY, partner_agencies=[other_agency]
    )
    follow(outsider, sop)
    assert outsider.pk in hears(sop)


def test_unvetted_and_pending_members_hear_nothing_of_network_sops(
    publisher, unvetted, home_agency
):
    sop = publish_new(publisher=publisher)
    follow(unvetted, home_agency)  # a row made before vetting was refused (e.g. by admin)
    assert unvetted.pk not in hears(sop)
    assert Membership.objects.filter(expert__user=unvetted, status="pending").exists()
