"""The network's pages in Russian: reference data (regions, countries, topics, languages)
is shown translated and sorted as the reader reads it; plurals take the Russian forms."""

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r">([^<]+)</option>", select)


def test_home_names_regions_and_countries_in_russian(client, home_agency):
    factories.country("HR", "Croatia", "EU")
    factories.region("EU", "European Union")
    html = client.get(reverse("home"), **RU).content.decode()
    assert "Юго-Восточная и Восточная Европа" in html
    assert "Сербия" in html and "Хорватия" in html
    assert "Croatia" not in html and "Serbia" not in html


def test_directory_filters_are_translated_and_sorted_by_what_the_reader_sees(client_for, member):
    factories.country("HR", "Croatia")  # before Serbia in English, after it in Russian
    factories.topic()
    factories.topic("decontamination", "Decontamination")
    factories.language("ru", "Russian")
    html = client_for(member).get(reverse("network:experts"), **RU).content.decode()
    assert _options(html, "id_country") == ["Все", "Сербия", "Хорватия"]
    assert _options(html, "id_topic") == ["Все", "Деконтаминация", "Обнаружение и отбор проб"]
    assert "Русский" in _options(html, "id_language")
    english = client_for(member).get(reverse("network:experts")).content.decode()
    assert _options(english, "id_country") == ["Any", "Croatia", "Serbia"]


@pytest.mark.parametrize(("count", "word"), [(1, "эксперт"), (3, "эксперта"), (5, "экспертов")])
def test_expert_count_takes_the_russian_plural(client_for, home_agency, count, word):
    viewer = factories.expert(agency=home_agency)
    for _ in range(count - 1):
        factories.expert(agency=home_agency)
    html = client_for(viewer.user).get(reverse("network:experts"), **RU).content.decode()
    assert re.search(rf'data-testid="result-count">{count} {word}<', html)


def test_profile_form_labels_are_russian(client_for, member):
    html = client_for(member).get(reverse("network:profile"), **RU).content.decode()
    assert "Страна" in html and "Country:" not in html
    assert "Часовой пояс" in html
