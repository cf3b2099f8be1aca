"""The controlled printed copy, printed to PDF by Chromium: the text a reader holds says
what it is, who printed it, that it is uncontrolled, and where to check it; that URL says
at once whether the version is still in force."""

from __future__ import annotations

import io

from pypdf import PdfReader

from sops import services
from tests import factories


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_printed_copy_carries_its_control_block_and_a_working_check_url(
    live_server, new_page, sign_in, make_sop, member, editor, publisher
):
    v1 = make_sop(body="## Scope\n\nIsolate the parcel and call the duty officer.\n")
    page = sign_in(new_page(), "member", factories.PASSWORD)
    page.goto(f"{live_server.url}{v1.get_absolute_url()}")
    page.get_by_test_id("print-link").click()
    page.wait_for_selector("svg.qr")
    page.emulate_media(media="print")
    text = _pdf_text(page.pdf(format="A4"))
    check_url = f"{live_server.url}/sops/check/{v1.pk}/"
    assert "Handling a suspected biological substance" in text
    assert "BIO-001" in text and "1.0" in text
    assert "uncontrolled when printed" in text
    assert f"by {member.expert.full_name}" in text
    assert check_url in text.replace(" ", "") or check_url in text
    assert "Isolate the parcel" in text
    assert "Back to the version" not in text  # the screen-only links stay off paper
    assert page.locator("svg.qr path").count() == 1

    checker = new_page()
    sign_in(checker, "member", factories.PASSWORD)
    checker.goto(check_url)
    assert checker.get_by_test_id("check-result").get_attribute("data-current") == "yes"
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    services.version_publish(version=draft, by=publisher, change_summary="Wording.")
    checker.goto(check_url)
    result = checker.get_by_test_id("check-result")
    assert result.get_attribute("data-current") == "no"
    assert "Version 1.1 is" in result.inner_text()
