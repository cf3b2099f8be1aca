"""Playwright driving Debian's Chromium (Playwright's own browser download cannot work here)."""

from __future__ import annotations

import os
import shutil

import pytest

from search.reader import drop_reader

CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def chromium(monkeypatch):
    """One browser per test: Playwright's sync API runs an event loop in the test thread
    while it is open, which would break later async tests if it outlived the test."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls run beside Playwright's loop; nothing else uses that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def watch_csp(page, violations: list[str]) -> None:
    """Record what the Content-Security-Policy blocked on ``page`` (Chromium logs each)."""
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def new_page(chromium):
    """A fresh, isolated browser context per call: ``page = new_page()``, or with
    Playwright's context options: ``new_page(viewport={"width": 390, "height": 844})``.
    Every browser test also checks that the pages it visited broke no
    Content-Security-Policy rule."""
    contexts, violations = [], []

    def make(**options):
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch_csp(page, violations)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def sign_in(live_server):
    def do(page, username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_selector("[data-testid=signed-in-user]")
        return page

    return do


@pytest.fixture
def private_index(settings, tmp_path):
    """A search index of the test's own, read afresh."""
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()
