import re

from playwright.sync_api import expect

from tests import factories


def test_member_signs_in_filters_directory_and_opens_profile(
    live_server, new_page, sign_in, member, other_agency
):
    target = factories.expert(
        agency=other_agency, full_name="Олена Шевченко", position="Epidemiologist"
    )
    factories.expert(agency=member.expert.memberships.get().agency, full_name="Bojan Đorđević")
    page = sign_in(new_page(), "member", factories.PASSWORD)

    page.goto(f"{live_server.url}/experts/")
    expect(page.get_by_text("Bojan Đorđević")).to_be_visible()
    page.select_option("#id_country", "UA")  # htmx swaps the results and pushes the URL
    expect(page.get_by_text("Bojan Đorđević")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/experts/\?.*country=UA"))
    page.get_by_role("link", name="Олена Шевченко").click()

    expect(page.get_by_role("heading", name="Олена Шевченко")).to_be_visible()
    assert page.url.endswith(target.get_absolute_url())
    expect(page.get_by_text("Epidemiologist")).to_be_visible()
