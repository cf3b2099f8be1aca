"""Search from the outside: "did you mean" tells nothing about hidden procedures
(finding 5), and expensive queries are bounded and the page throttled (finding 6)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from search import parsing
from sops import services
from sops.models import SOP
from tests import factories
from tests.security.conftest import NON_VIEWERS, SECRET_WORD, VIEWERS

pytestmark = pytest.mark.django_db
# One edit from the secret word, in a public procedure.
PUBLIC_NEIGHBOUR = SECRET_WORD[:-1] + "m"  # "zyxtrovirum"


@pytest.fixture
def neighbour(restricted, publisher, home_agency, django_capture_on_commit_callbacks):
    """A public procedure holding a word one edit from the hidden SOP's word."""
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.sop_create(
            agency=home_agency,
            reference="PUB-001",
            title="Public sample handling",
            body=f"The {PUBLIC_NEIGHBOUR} samples are kept cold.",
            language=factories.language(),
            by=publisher,
            visibility=SOP.Visibility.PUBLIC,
        )
        return services.version_publish(version=draft, by=publisher).sop


def _did_you_mean(body: str) -> str:
    found = re.search(r'data-testid="did-you-mean".*?<strong>(.*?)</strong>', body, re.S)
    return found.group(1) if found else ""


def _hits(body: str) -> int:
    return body.count('data-testid="hit"')


@pytest.mark.parametrize("role", NON_VIEWERS)
def test_a_typo_is_never_corrected_to_a_word_only_a_hidden_sop_holds(role, restricted, page_client):
    typo = SECRET_WORD[:5] + SECRET_WORD[6] + SECRET_WORD[5] + SECRET_WORD[7:]
    body = page_client(role).get("/search/", {"q": typo}).content.decode()
    assert SECRET_WORD not in body
    assert _did_you_mean(body) == ""


@pytest.mark.parametrize("role", NON_VIEWERS)
def test_the_hidden_word_and_an_unknown_word_get_the_same_answer(role, neighbour, page_client):
    """Typed exactly, the hidden SOP's word is as unknown as any made-up word: both are
    corrected to the visible neighbour, so the answer says nothing about the hidden SOP."""
    client = page_client(role)
    secret = client.get("/search/", {"q": SECRET_WORD}).content.decode()
    made_up = client.get("/search/", {"q": SECRET_WORD[:-1] + "x"}).content.decode()
    assert _did_you_mean(secret) == _did_you_mean(made_up) == PUBLIC_NEIGHBOUR
    assert _hits(secret) == _hits(made_up) == 1
    assert "Public sample handling" in secret


@pytest.mark.parametrize("role", VIEWERS)
def test_those_who_may_see_it_find_the_word_as_typed(role, neighbour, page_client):
    body = page_client(role).get("/search/", {"q": SECRET_WORD}).content.decode()
    assert _did_you_mean(body) == ""
    assert f"Handling <mark>{SECRET_WORD}</mark> samples" in body


def test_leading_wildcards_are_refused_with_a_message(neighbour):
    body = Client().get("/search/", {"q": "*a* *e* *i* *o* *u*"}).content.decode()
    assert 'data-testid="search-notice"' in body
    assert "cannot start with * or ?" in body
    # No leading wildcard ever reaches Whoosh, whatever the syntax around it.
    from search.schema import build_schema

    for text in ("*a*", "x *ase", "(*ab OR ?cd)", '"*ab"'):
        q = parsing.parse(parsing.tidy(text).text, build_schema())
        leaves = list(q.leaves()) if q is not None else []
        assert not any(getattr(leaf, "text", "x")[:1] in "*?" for leaf in leaves), text


def test_expanding_words_are_capped():
    tidied = parsing.tidy("ab* cd* ef* gh* ij* kl~ mn* op*")
    assert len(re.findall(r"[*~]", tidied.text)) == parsing.MAX_EXPANDING
    assert tidied.notice


def test_the_search_page_is_throttled_per_address(neighbour, settings):
    settings.FRONTLINE_RATE_LIMITS = {"search-address": (3, 60), "search-account": (5, 60)}
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(3):
        assert here.get("/search/", {"q": "samples"}).status_code == 200
    refused = here.get("/search/", {"q": "samples"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many searches" in refused.content.decode()
    assert "Public sample handling" not in refused.content.decode()
    assert there.get("/search/", {"q": "samples"}).status_code == 200


def test_signed_in_searches_count_per_account(neighbour, member, settings):
    settings.FRONTLINE_RATE_LIMITS = {"search-address": (1, 60), "search-account": (2, 60)}
    client = Client()
    client.force_login(member)
    assert [client.get("/search/", {"q": "samples"}).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
