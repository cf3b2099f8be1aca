"""An agency admin enrols an authenticator in Chromium: the QR code is drawn, the secret
read from the page gives the code (django-otp's TOTP), recovery codes follow."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_agency_admin_enrols_and_reaches_the_audit_trail(
    live_server, new_page, sign_in, agency_admin, settings, tmp_path
):
    settings.FRONTLINE_REQUIRE_SECOND_FACTOR = True
    page = sign_in(new_page(), "agency_admin", factories.PASSWORD)
    page.goto(f"{live_server.url}/audit/")
    assert "/accounts/two-step/setup/" in page.url
    qr = page.locator("[data-testid=totp-qr] svg")
    box = qr.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100  # drawn, not blocked
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    code = TOTP(b32decode(secret), 30, 0, 6, 0)
    code.time = time.time()
    page.fill("#id_token", f"{code.token():06d}")
    page.click("form button[type=submit] >> text=Confirm")
    codes = page.locator("[data-testid=recovery-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.screenshot(path=str(tmp_path / "recovery.png"))
    page.click("text=Continue")
    page.wait_for_url(f"{live_server.url}/audit/")
    assert page.locator("h1").first.is_visible()
