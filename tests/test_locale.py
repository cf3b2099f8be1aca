"""Choosing the language (header menu, profile, sign-in, Accept-Language), the time
zone, the locale's date style and the JavaScript catalogue."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from network.models import Expert
from network.preferences import timezone_for_country
from tests import factories

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_gets_accept_language_then_the_cookie_the_menu_sets(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert html_lang(page) == "ru"
    html = page.content.decode()
    # The menu: a POST form to set_language, both languages named in their own language,
    # and a visible submit button for a browser without JS (site.js hides it).
    assert f'action="{reverse("set_language")}"' in html and 'method="post"' in html
    assert ">English</option>" in html and ">Русский</option>" in html
    assert 'data-testid="language-submit"' in html and "<script>" not in html

    response = client.post(reverse("set_language"), {"language": "en", "next": "/sops/"})
    assert response.status_code == 302 and response["Location"] == "/sops/"
    assert client.cookies[COOKIE].value == "en"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="ru")) == "en"  # the cookie wins


def test_the_menu_stores_the_choice_on_the_profile_and_it_wins_over_the_cookie(client_for, member):
    client = client_for(member)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    member.expert.refresh_from_db()
    assert member.expert.language == "ru"
    client.cookies[COOKIE] = "en"  # say, a cookie left by someone else on this computer
    response = client.get("/sops/")
    assert html_lang(response) == "ru" and response["Content-Language"] == "ru"


def test_a_language_not_offered_changes_nothing(client_for, member):
    member.expert.language = "en"
    member.expert.save()
    client = client_for(member)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    member.expert.refresh_from_db()
    assert member.expert.language == "en" and COOKIE not in client.cookies


def test_signing_in_sets_the_language_cookie_from_the_profile(client, member):
    Expert.objects.filter(pk=member.expert.pk).update(language="ru")
    response = client.post(
        reverse("login"), {"username": member.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.cookies[COOKIE].value == "ru"


def test_the_profile_form_edits_language_and_time_zone(client_for, member):
    client = client_for(member)
    data = {
        "full_name": "Ana Petrović",
        "contact_visibility": "agency",
        "language": "ru",
        "timezone": "Asia/Tashkent",
    }
    response = client.post(reverse("network:profile"), data)
    assert response.status_code == 302
    member.expert.refresh_from_db()
    assert (member.expert.language, member.expert.timezone) == ("ru", "Asia/Tashkent")
    bad = client.post(reverse("network:profile"), {**data, "timezone": "Mars/Olympus"})
    assert bad.status_code == 200 and "timezone" in bad.context["form"].errors
    member.expert.refresh_from_db()
    assert member.expert.timezone == "Asia/Tashkent"


def test_sign_up_starts_in_the_country_zone_and_the_page_language(client, home_agency):
    response = client.post(
        reverse("network:sign_up"),
        {
            "username": "novak",
            "email": "novak@example.org",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "full_name": "Novak Jović",
            "agency": home_agency.pk,
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    expert = Expert.objects.get(user__username="novak")
    assert (expert.language, expert.timezone) == ("ru", "Europe/Belgrade")  # RS
    assert timezone_for_country("KZ") == "Asia/Almaty" and timezone_for_country("ZZ") == "UTC"


def test_dates_in_the_locale_style_and_times_with_their_zone(db):
    moment = datetime.datetime(2026, 3, 1, 6, 30, tzinfo=datetime.UTC)
    template = Template('{{ day|date:"DATE_FORMAT" }} · {{ moment|when }}')
    context = Context({"day": moment.date(), "moment": moment})
    with translation.override("en"), timezone.override("Asia/Almaty"):
        english = template.render(context)
    with translation.override("ru"), timezone.override("Europe/Belgrade"):
        russian = template.render(context)
    assert "1 March 2026 · " in english and "1 Mar 2026, 11:30 UTC+05</time>" in english
    assert "1 марта 2026 г. · " in russian and "01.03.2026 07:30 CET</time>" in russian


def test_the_javascript_catalogue_is_russian_with_three_plural_forms(client_for, member):
    response = client_for(member).get(reverse("javascript-catalog") + "?l=ru")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "public" in response["Cache-Control"]  # the same for everyone: cacheable
    js = response.content.decode()
    forms = ("непрочитанное уведомление", "непрочитанных уведомления", "непрочитанных уведомлений")
    for text in (*forms, "Закрыть уведомление"):
        assert json.dumps(text)[1:-1] in js  # the catalogue is JSON, non-ASCII escaped
    page = client_for(member).get("/").content.decode()
    # Loaded as a same-site script, deferred, before the notifications client.
    assert f'<script src="{reverse("javascript-catalog")}?l=en" defer></script>' in page
    assert page.index("jsi18n") < page.index("notifications.js")


def test_a_profile_without_a_language_takes_the_one_chosen_before_signing_in(client, member):
    client.cookies[COOKIE] = "ru"
    client.post(reverse("login"), {"username": member.username, "password": factories.PASSWORD})
    member.expert.refresh_from_db()
    assert member.expert.language == "ru"
