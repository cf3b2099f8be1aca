"""Thin tasks: take ids, call the e-mail services. The schedule is in frontline/celery.py."""

from celery import shared_task

from notifications import emails


@shared_task(name="notifications.tasks.send_mails", bind=True, max_retries=5)
def send_mails(self, mail_ids: list[int]) -> int:
    sent = 0
    failed = []
    for mail_id in mail_ids:
        try:
            sent += emails.mail_send(mail_id=mail_id)
        except Exception:
            failed.append(mail_id)
    if failed:
        raise self.retry(args=[failed], countdown=2 ** (self.request.retries + 2))
    return sent


@shared_task(name="notifications.tasks.send_daily_digests")
def send_daily_digests() -> int:
    mail_ids = emails.digests_prepare()
    for i in range(0, len(mail_ids), 50):
        send_mails.delay(mail_ids[i : i + 50])
    return len(mail_ids)
