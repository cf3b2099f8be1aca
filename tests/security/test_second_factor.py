"""TOTP second factor (django-otp) for platform staff and agency admins: enrolment with
a QR code and secret, a code at every sign-in, single-use recovery codes, the admin site,
the API and the socket all waiting for it. Codes are computed with django-otp's own TOTP."""

from __future__ import annotations

import re
import time
from base64 import b32encode
from io import StringIO

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

import frontline.settings
from audit.models import AuditEntry
from frontline.asgi import application
from frontline.second_factor import recovery_codes_renew
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SETUP, VERIFY = "/accounts/two-step/setup/", "/accounts/two-step/verify/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.FRONTLINE_REQUIRE_SECOND_FACTOR = True


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _wrong(device: TOTPDevice) -> str:
    right = {_code(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def _password(username: str, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_the_requirement_is_on_outside_tests():
    assert frontline.settings.FRONTLINE_REQUIRE_SECOND_FACTOR is True


def test_agency_admin_enrols_then_needs_a_code_at_every_sign_in(agency_admin):
    client = _password("agency_admin")
    held = client.get("/audit/")
    assert held.status_code == 302 and held["Location"].startswith(SETUP)
    page = client.get(held["Location"]).content.decode()
    assert "<svg" in page  # the QR code
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=agency_admin, confirmed=False)
    assert b32encode(device.bin_key).decode() == secret
    refused = client.post(SETUP, {"token": _wrong(device), "next": "/audit/"})
    assert "not the one your app shows" in refused.content.decode()
    assert client.get("/audit/").status_code == 302
    enrolled = client.post(SETUP, {"token": _code(device), "next": "/audit/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", enrolled.content.decode())
    assert len(codes) == 10
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SECOND_FACTOR_ENROLLED, actor=agency_admin
    ).exists()

    client.post("/accounts/logout/")
    _password("agency_admin", client)
    held = client.get("/audit/")
    assert held["Location"].startswith(VERIFY)
    device.refresh_from_db()
    assert client.post(VERIFY, {"token": _wrong(device), "next": "/audit/"}).status_code == 400
    assert client.get("/audit/").status_code == 302
    # The code already used at enrolment is spent; the next step's code is accepted.
    time.sleep(1.1)  # one failure: django-otp refuses any code for a second
    device.refresh_from_db()
    passed = client.post(VERIFY, {"token": _code(device, 1), "next": "/audit/"})
    assert passed.status_code == 302 and passed["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_a_recovery_code_signs_in_once(agency_admin):
    _enrolled(agency_admin)
    code = recovery_codes_renew(by=agency_admin)[0]
    first = _password("agency_admin")
    assert first.post(VERIFY, {"token": code}).status_code == 302
    assert first.get("/audit/").status_code == 200
    again = _password("agency_admin")
    assert again.post(VERIFY, {"token": code}).status_code == 400
    assert again.get("/audit/").status_code == 302


def test_members_without_a_privileged_role_sign_in_with_a_password(member):
    client = _password("member")
    assert client.get("/profile/").status_code == 200


def test_a_password_alone_cannot_move_the_second_factor_to_another_phone(agency_admin):
    _enrolled(agency_admin)
    client = _password("agency_admin")
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=agency_admin, confirmed=False).exists()


def test_the_api_answers_403_to_a_session_without_its_second_factor(agency_admin):
    _enrolled(agency_admin)
    response = _password("agency_admin").get("/api/v1/sops/")
    assert response.status_code == 403
    assert "second factor" in response.json()["error"]["message"]


def test_the_admin_site_needs_the_second_factor(staff):
    device = _enrolled(staff)
    client = _password("staff")
    held = client.get("/admin/")
    assert held.status_code == 302 and held["Location"].startswith(VERIFY)
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_demo_staff_signs_in_with_the_code_demo_code_prints(db, settings):
    from network.demo import seed_network

    seed_network()
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", "staff", stdout=out)
    client = Client()
    client.post("/accounts/login/", {"username": "staff", "password": "frontline-demo"})
    client.post(VERIFY, {"token": out.getvalue().strip()})
    assert client.get("/admin/").status_code == 200
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", "staff")


@pytest.mark.django_db(transaction=True)
def test_the_socket_waits_for_the_second_factor(agency_admin):
    device = _enrolled(agency_admin)
    client = _password("agency_admin")

    def connects() -> tuple[bool, int]:
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

        async def go():
            ws = WebsocketCommunicator(
                application,
                "/ws/notifications/",
                headers=[
                    (b"host", b"127.0.0.1:8000"),
                    (b"origin", b"http://127.0.0.1:8000"),
                    (b"cookie", cookie),
                ],
            )
            connected, code = await ws.connect(timeout=3)
            await ws.disconnect()
            return connected, code

        return async_to_sync(go)()

    assert connects() == (False, 4403)
    client.post(VERIFY, {"token": _code(device)})
    assert connects()[0]
