import pytest

from frontline.env import email_settings, env_bool, env_list


def test_email_url_default_is_console():
    assert email_settings(None)["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_email_url_smtp_with_tls():
    s = email_settings("smtp://mailer:p%40ss@mail.example.org:587?tls=1")
    assert s["EMAIL_HOST"] == "mail.example.org"
    assert s["EMAIL_PORT"] == 587
    assert s["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert s["EMAIL_USE_TLS"] is True and s["EMAIL_USE_SSL"] is False
    assert s["EMAIL_TIMEOUT"] == 20  # a relay that never answers does not hang a worker
    assert email_settings("smtp://mail.example.org?timeout=5")["EMAIL_TIMEOUT"] == 5


def test_email_url_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="scheme"):
        email_settings("ftp://x")


def test_env_helpers():
    assert env_bool({"DEBUG": "0"}, "DEBUG", True) is False
    assert env_bool({}, "DEBUG", True) is True
    assert env_list({"H": "a.org, b.org"}, "H", []) == ["a.org", "b.org"]


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_pages_run_without_jit_compilation():
    """The planner compiled the SOP list's page query at 20,000 procedures: 38 of 116 ms."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
