"""The daily digest goes out at 06:00 in each recipient's own time zone, in their
language, once a day: beat runs it every 15 minutes and a run gathers nothing twice."""

from __future__ import annotations

import datetime

from django.core import mail

from frontline.celery import app
from notifications import emails, services
from notifications.models import Mail, Notification
from tests import factories
from tests.i18n_support import pending_russian  # noqa: F401 (fixture)

UTC = datetime.UTC


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_each_recipient_gets_the_digest_at_six_in_their_zone_and_language(
    publisher,
    other_agency,
    publish,
    pending_russian,  # noqa: F811
):
    almaty = factories.expert(agency=other_agency, timezone="Asia/Almaty", language="ru").user
    belgrade = factories.expert(agency=other_agency, timezone="Europe/Belgrade").user
    sop = publish(publisher=publisher)
    for user in (almaty, belgrade):
        services.subscription_set(by=user, target=sop, in_app=False, digest=True)
    publish(sop=sop, publisher=publisher, summary="First change.")
    Notification.objects.filter(digest=True).update(created=at(1, 0))  # 00:00 UTC

    def run(now):
        ids = emails.digests_prepare(now=now)
        for mail_id in ids:
            emails.mail_send(mail_id=mail_id)
        return {m.user_id for m in Mail.objects.filter(pk__in=ids)}

    assert run(at(1, 0, 45)) == set()  # 05:45 in Almaty (UTC+5), 01:45 in Belgrade
    assert run(at(1, 1, 0)) == {almaty.pk}  # 06:00 in Almaty
    assert run(at(1, 1, 15)) == set()  # the next beat run: nothing twice
    assert run(at(1, 4, 45)) == set()  # 05:45 in Belgrade (UTC+1 in March)
    assert run(at(1, 5, 0)) == {belgrade.pk}
    assert Mail.objects.filter(kind="digest", day=datetime.date(2026, 3, 1)).count() == 2

    ru, en = (next(m for m in mail.outbox if m.to == [u.email]) for u in (almaty, belgrade))
    assert "1 изменение" in ru.subject and "First change." in ru.body
    assert "опубликовало версию 1.1" in ru.body and "06:00" not in ru.body
    assert "05:00 +05" in ru.body  # the item's time in the reader's zone, the zone shown
    assert "1 change" in en.subject and "published version 1.1" in en.body
    assert "01:00 CET" in en.body

    # What arrives after Almaty's 06:00 waits for the next morning there.
    publish(sop=sop, publisher=publisher, summary="Second change.")
    Notification.objects.filter(digest=True, digest_mail__isnull=True).update(created=at(1, 2))
    assert run(at(1, 5, 0)) == set()  # Belgrade had today's; Almaty's next is tomorrow
    assert run(at(2, 1, 0)) == {almaty.pk}
    assert "Second change." in mail.outbox[-1].body and "First change." not in mail.outbox[-1].body


def test_beat_asks_often_enough_for_every_zone():
    entry = app.conf.beat_schedule["notifications-daily-digest"]
    assert entry["task"] == "notifications.tasks.send_daily_digests"
    assert float(entry["schedule"]) <= 15 * 60  # zones differ by 15 minutes at the finest
