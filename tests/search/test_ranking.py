"""How matches are ordered (search.ranking): coordination, stop words, proximity, script,
procedures above people, and corrected words ranked as if typed."""

from __future__ import annotations

import pytest

from search import index
from search.engine import ranking
from tests import factories
from tests.search.conftest import search, titles, topic

pytestmark = pytest.mark.django_db
FILLER = "Sample container storage room checks are logged daily."


@pytest.fixture
def filler(publish, publisher, home_agency):
    """Common words in many procedures, so they weigh little."""
    for n in range(8):
        publish(publisher, home_agency, f"Daily log {n}", FILLER)


def test_a_document_matching_more_of_the_words_ranks_higher(
    filler, publish, publisher, home_agency, member
):
    publish(publisher, home_agency, "Formaldehyde", "Formaldehyde formaldehyde. Formaldehyde.")
    publish(
        publisher,
        home_agency,
        "Room fumigation",
        "Fumigation of a storage room: seal the container, log each sample, then use "
        "formaldehyde as the fumigant, following the written steps of the procedure.",
    )
    found = titles(search(member, "formaldehyde sample container storage room"))
    assert found[0] == "Room fumigation"
    assert "Formaldehyde" in found  # every word is optional


def test_question_words_are_not_required(publish, publisher, home_agency, member):
    publish(publisher, home_agency, "Cleaning the biosafety cabinet", "Wipe with ethanol.")
    publish(publisher, home_agency, "Cabinet inventory", "Count the bottles in each cabinet.")
    assert titles(search(member, "how do I clean the biosafety cabinet?"))[0] == (
        "Cleaning the biosafety cabinet"
    )
    assert titles(search(member, "как чистить biosafety cabinet"))[0] == (
        "Cleaning the biosafety cabinet"
    )


def test_adjacent_words_rank_above_scattered_ones(publish, publisher, home_agency, member):
    publish(
        publisher,
        home_agency,
        "Scattered",
        "The cold room is checked. Later the chain of custody form is signed.",
    )
    publish(
        publisher,
        home_agency,
        "Adjacent",
        "The cold chain is checked. Later the room of custody form is signed.",
    )
    assert titles(search(member, "cold chain")) == ["Adjacent", "Scattered"]


def test_a_cyrillic_question_prefers_cyrillic_documents(publish, publisher, home_agency, member):
    publish(
        publisher,
        home_agency,
        "COVID-19 laboratory testing",
        "COVID-19 testing: COVID-19 samples, COVID-19 controls.",
    )
    publish(
        publisher,
        home_agency,
        "Тестирование на COVID-19",
        "Порядок тестирования образцов в лаборатории.",
        language="ru",
    )
    assert titles(search(member, "тестирование на COVID-19"))[0] == "Тестирование на COVID-19"
    assert titles(search(member, "COVID-19 testing"))[0] == "COVID-19 laboratory testing"


def test_an_english_word_prefers_latin_script_procedures_to_a_topic_match(
    publish, publisher, home_agency
):
    """A Russian procedure filed under the topic "Decontamination" matches the English
    word through its topic's name (a short field, so a strong match); the English
    procedures about decontamination still come first for an English query."""
    from django.contrib.auth.models import AnonymousUser

    decon = topic("decontamination", "Decontamination")
    publish(
        publisher,
        home_agency,
        "Обработка помещений после разлива",
        "Порядок обработки помещений и оборудования после разлива.",
        language="ru",
        topics=[decon],
    )
    for n in range(2):
        publish(
            publisher,
            home_agency,
            f"Laboratory procedures {n}",
            "Benches after a spill: decontamination agent, then a second decontamination "
            "and a final decontamination. " + "Daily checks are logged. " * (n + 1),
        )
    found = titles(search(AnonymousUser(), "decontamination"))
    assert len(found) == 3
    assert found[-1] == "Обработка помещений после разлива"
    assert titles(search(AnonymousUser(), "обработка помещений"))[0] == (
        "Обработка помещений после разлива"
    )


def test_procedures_rank_above_experts_unless_people_are_asked_for(
    publish, publisher, home_agency, member
):
    for n in range(3):
        factories.expert(
            agency=home_agency,
            full_name=f"Dana Decon{n}",
            position="Decontamination expert",
            bio="Decontamination. Decontamination trainer.",
        )
    for n in range(3):
        publish(
            publisher,
            home_agency,
            f"Procedure {n}",
            "Decontamination of surfaces after a spill: bleach, wait, wipe, and record it. " * 3,
        )
    index.rebuild()
    hits = search(member, "decontamination").hits
    assert [h.doctype for h in hits[:3]] == ["sop", "sop", "sop"]
    assert {h.doctype for h in hits} == {"sop", "expert"}
    assert search(member, "decontamination experts").hits[0].doctype == "expert"


def test_a_corrected_typo_ranks_exactly_as_the_word_typed(
    filler, publish, publisher, home_agency, member
):
    publish(publisher, home_agency, "Autoclave protocol", "Load the autoclave; run the cycle.")
    publish(publisher, home_agency, "Waste protocol", "Bags go to the autoclave room.")
    typed = search(member, "autoclave protocol")
    typo = search(member, "autoclaev protocol")
    assert typo.corrected and typo.suggestion == "autoclave protocol"
    assert titles(typo) == titles(typed)
    assert titles(typo)[0] == "Autoclave protocol"


def test_stop_words_alone_are_still_searched():
    assert ranking.without_stop_words("how to") == "how to"
    assert ranking.without_stop_words('what is "the cold chain"') == '"the cold chain"'
    assert ranking.without_stop_words("как мыть руки") == "мыть руки"
