"""Personas and shared fixtures.

Integration, browser and corpus tests skip when what they need is missing on a developer's
machine; with ``FRONTLINE_REQUIRE_ALL=1`` (as ``.ci/run`` sets) such a skip is a failure.
"""

from __future__ import annotations

import os

import pytest
from django.utils import translation

from network.models import Membership
from sops import services as sop_services
from sops.models import SOP
from tests import factories

pytest_plugins = ["tests.live_services"]

# The web process's search warm-up at start (search/warmup.py) stays off in tests: the
# daphne processes tests start (they inherit this) and frontline.asgi imported here
# search only what a test asks. tests/search/test_warmup.py tests the warm-up itself.
os.environ["FRONTLINE_SEARCH_WARM"] = "0"


def pytest_configure(config):
    from django.conf import settings

    settings.FRONTLINE_SEARCH_WARM = False


REQUIRED_MARKERS = {"integration", "browser", "corpus"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and os.environ.get("FRONTLINE_REQUIRE_ALL") == "1"
        and REQUIRED_MARKERS & {m.name for m in item.iter_markers()}
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped, but FRONTLINE_REQUIRE_ALL=1 forbids it: {report.longrepr}"


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Eager tasks index what tests publish: never into the developer's own index.
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    # Eager tasks run where they are called, not after the response (events.inprocess).
    settings.FRONTLINE_JOBS_AFTER_RESPONSE = False
    # Real hashing costs ~0.3 s a user; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests sign staff and admins in with force_login, which cannot pass a TOTP code; the
    # tests of the second factor (tests/security/test_second_factor.py) turn it back on.
    settings.FRONTLINE_REQUIRE_SECOND_FACTOR = False
    # Plain static names: a manifest left by a developer's `make run` must not send the
    # live server (which finds files by their plain names) hashed ones.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Most tests let one publisher draft and publish; an agency without its own rule row
    # works with four eyes everywhere else (the setting's default), and tests/sops/
    # test_four_eyes.py turns it back on to check the rule.
    settings.FRONTLINE_FOUR_EYES_DEFAULT = False
    # Rate-limit counters (sign-in, password reset, API) start from zero in every test,
    # instead of piling up in a shared Redis across tests and runs.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{request.node.nodeid}",
        }
    }


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Russian leaves Russian active on the test's thread (LocaleMiddleware
    does not switch back): the next test must start in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_tasks_outside_integration(request):
    """Unit tests run Celery tasks in-process; integration tests use a real worker."""
    from frontline.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def home_agency(db):
    return factories.agency("home-agency", name="Institute of Public Health", acronym="IPH")


@pytest.fixture
def other_agency(db):
    return factories.agency(
        "other-agency", country_code="UA", name="Public Health Center", acronym="PHC"
    )


def _persona(agency, role, username):
    return factories.expert(agency=agency, role=role, username=username).user


@pytest.fixture
def agency_admin(home_agency):
    return _persona(home_agency, Membership.Role.ADMIN, "agency_admin")


@pytest.fixture
def publisher(home_agency):
    return _persona(home_agency, Membership.Role.PUBLISHER, "publisher")


@pytest.fixture
def editor(home_agency):
    return _persona(home_agency, Membership.Role.EDITOR, "editor")


@pytest.fixture
def member(home_agency):
    return _persona(home_agency, Membership.Role.MEMBER, "member")


@pytest.fixture
def outsider(other_agency):
    """A vetted member of another agency."""
    return _persona(other_agency, Membership.Role.PUBLISHER, "outsider")


@pytest.fixture
def unvetted(home_agency):
    """Signed up and asked to join, not yet vetted."""
    return factories.expert(
        agency=home_agency, status=Membership.Status.PENDING, username="unvetted"
    ).user


@pytest.fixture
def staff(db):
    return factories.user("staff", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Sign the test client in as a persona: ``client_for(member)``."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def english(db):
    return factories.language()


@pytest.fixture
def make_sop(home_agency, editor, publisher, english):
    """``make_sop(visibility=..., publish=True)``: an SOP of the home agency, published 1.0 by default."""

    def make(
        reference="BIO-001", *, visibility=SOP.Visibility.NETWORK, publish=True, body=None, **extra
    ):
        draft = sop_services.sop_create(
            agency=home_agency,
            reference=reference,
            title=extra.pop("title", "Handling a suspected biological substance"),
            body=body or "## Scope\n\nIsolate the parcel. Call the duty officer.\n",
            language=english,
            by=editor,
            visibility=visibility,
            **extra,
        )
        if publish:
            return sop_services.version_publish(version=draft, by=publisher)
        return draft

    return make
