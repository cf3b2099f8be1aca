"""Mails at once and the daily digest: content, unsubscribe link, never sent twice."""

from datetime import timedelta

from django.utils import timezone

from notifications import emails, services, tasks
from notifications.models import Mail, Notification


def next_morning(hour: int = 7):
    """``hour``:00 UTC of the first morning whose digest holds what arrives now.

    That is today's only before 06:00 UTC (the digest cut-off); from 06:00 on, what
    arrives waits for tomorrow's (a test run between 06:00 and 07:00 found it).
    """
    now = timezone.now()
    cutoff = now.replace(hour=emails.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    morning = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return morning if now < cutoff else morning + timedelta(days=1)


def test_email_now_sends_one_mail_with_text_html_and_unsubscribe(
    publisher, outsider, publish, mailoutbox
):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, email_now=True)
    publish(sop=sop, publisher=publisher, summary="Use the new form.")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [outsider.email] and sop.reference in mail.subject
    assert "Use the new form." in mail.body and "/notifications/unsubscribe/" in mail.body
    assert mail.alternatives[0][1] == "text/html"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_mail_is_claimed_so_a_retry_never_sends_twice(publisher, outsider, publish, mailoutbox):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, email_now=True)
    publish(sop=sop, publisher=publisher)
    mail = Mail.objects.get()
    assert mail.sent_at is not None
    assert emails.mail_send(mail_id=mail.pk) is False
    tasks.send_mails.delay([mail.pk])
    assert len(mailoutbox) == 1


def test_daily_digest_groups_the_days_notifications_once(publisher, outsider, publish, mailoutbox):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, in_app=False, digest=True)
    publish(sop=sop, publisher=publisher, summary="First change.")
    publish(sop=sop, publisher=publisher, summary="Second change.")
    assert mailoutbox == []
    later = next_morning()
    ids = emails.digests_prepare(now=later)
    assert len(ids) == 1
    for mail_id in ids:
        emails.mail_send(mail_id=mail_id)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert (
        "First change." in body and "Second change." in body and "digest" in mailoutbox[0].subject
    )
    assert emails.digests_prepare(now=later) == []  # nothing left to gather
    tasks.send_daily_digests.delay()  # now, or tomorrow morning: nothing new to send
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(recipient=outsider, digest_mail__isnull=True).count() == 0


def test_no_mail_about_an_sop_the_user_can_no_longer_see(
    publisher, outsider, other_agency, publish, mailoutbox
):
    sop = publish(publisher=publisher, visibility="agency", partner_agencies=[other_agency])
    services.subscription_set(by=outsider, target=sop, in_app=False, digest=True)
    publish(sop=sop, publisher=publisher)
    sop.partner_agencies.clear()
    ids = emails.digests_prepare(now=next_morning())
    assert [emails.mail_send(mail_id=i) for i in ids] == [False]
    assert mailoutbox == []


def test_unsubscribe_token_round_trips_and_rejects_forgery():
    token = emails.unsubscribe_token(user_id=5, subscription_id=9, digest=False)
    assert emails.unsubscribe_read(token) == {"u": 5, "s": 9, "d": 0}
    assert emails.unsubscribe_read(token + "x") is None
    assert emails.unsubscribe_read("garbage") is None
