"""A notification stores its kind and parameters; its words are written in the reader's
language when it is read (inbox, API, tab, mail), whatever language was active when it
was created. Toasts are written once per language, not once per recipient."""

from __future__ import annotations

from django.utils import translation

from notifications import emails, fanout, push, services
from notifications.models import Notification
from notifications.texts import render_text
from tests.i18n_support import pending_russian  # noqa: F401 (fixture)
from tests.notifications.test_emails import next_morning

ENGLISH = "published version 1.1 (minor change)"
RUSSIAN = "опубликовало версию 1.1 (незначительное изменение)"


def test_made_in_english_then_read_in_russian_after_the_switch(
    publisher,
    outsider,
    publish,
    client_for,
    pending_russian,  # noqa: F811
):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, digest=True)
    outsider.expert.language = "en"
    outsider.expert.save()
    with translation.override("en"):
        publish(sop=sop, publisher=publisher, summary="Use the new form.")
    note = Notification.objects.get(recipient=outsider, sop=sop, params__number="1.1")
    assert ENGLISH in note.text  # the English kept for the admin and old readers

    client = client_for(outsider)
    with translation.override("en"):
        assert ENGLISH in client.get("/notifications/").content.decode()
    # The header menu's form: stored on the profile, so every channel follows.
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/notifications/"})
    assert response.status_code == 302
    outsider.expert.refresh_from_db()
    assert outsider.expert.language == "ru"

    page = client.get("/notifications/").content.decode()
    assert RUSSIAN in page and ENGLISH not in page
    assert "Use the new form." in page  # the publisher's own words stay as written
    api = client.get("/api/v1/inbox/").json()
    assert any(RUSSIAN in item["text"] for item in api["results"])
    # The digest, sent after the switch, is in Russian too.
    ids = emails.digests_prepare(now=next_morning())
    from django.core import mail

    for mail_id in ids:
        emails.mail_send(mail_id=mail_id)
    body = mail.outbox[-1].body
    assert RUSSIAN in body and ENGLISH not in body


def test_an_old_row_without_parameters_shows_the_text_it_stored(outsider, client_for):
    from events.models import Event

    event = Event.objects.create(kind="sop.published", payload={})
    Notification.objects.create(
        recipient=outsider, event=event, kind="sop.published", title="T-1 Old",
        text="Frozen English text.", link="/sops/1/",
    )  # fmt: skip
    outsider.expert.language = "ru"
    outsider.expert.save()
    assert "Frozen English text." in client_for(outsider).get("/notifications/").content.decode()


def test_toasts_are_written_once_per_language_not_per_recipient(
    publisher,
    home_agency,
    publish,
    monkeypatch,
    pending_russian,  # noqa: F811
):
    from tests import factories

    sop = publish(publisher=publisher)
    readers = [factories.expert(agency=home_agency).user for _ in range(6)]
    for i, user in enumerate(readers):
        user.expert.language = "ru" if i % 2 else ""
        user.expert.save()
    renders, sent = [], []
    real_render, real_push = fanout.render_text, push.push_now
    monkeypatch.setattr(
        fanout, "render_text", lambda *a: renders.append(a) or real_render(*a)
    )  # a spy: counts, then does the real work
    monkeypatch.setattr(
        push, "push_now", lambda messages: sent.extend(messages) or real_push(messages)
    )
    publish(sop=sop, publisher=publisher, summary="Clearer steps.")

    texts = {uid: m["notification"]["text"] for uid, m in sent if m["type"] == "notification.new"}
    for i, user in enumerate(readers):
        assert (RUSSIAN if i % 2 else ENGLISH) in texts[user.pk]
    # Two English renders at creation (the stored text, plain and with the request to
    # acknowledge), then one per language for the tabs: not one per recipient.
    assert len(renders) == 4 and len(texts) >= len(readers)


def test_review_reminder_plural_forms_and_russian_dates(pending_russian):  # noqa: F811
    def review(days):
        with translation.override("ru"):
            return render_text("sop.review_due", {"days_left": days, "review_due": "2026-03-01"})

    assert "1 марта 2026" in review(1)
    assert "через 1 день" in review(1) and "через 21 день" in review(21)
    assert "через 2 дня" in review(2) and "через 4 дня" in review(4)
    assert "через 5 дней" in review(5) and "через 11 дней" in review(11)
    with translation.override("en"):
        text = render_text("sop.review_due", {"days_left": 1, "review_due": "2026-03-01"})
    assert "(in 1 day)" in text and "1 March 2026" in text  # day month year, never 03/01
