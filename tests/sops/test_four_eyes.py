"""Four eyes: whoever wrote or last edited a draft cannot publish it (agency setting, on by default)."""

import pytest
from django.conf import settings as project_settings
from django.urls import reverse

from audit.models import AuditEntry
from frontline.errors import NotAllowed
from sops import services
from sops.models import AgencyPolicy
from tests import factories
from tests.sops.test_views import text


@pytest.fixture(autouse=True)
def _four_eyes_by_default(settings):
    settings.FRONTLINE_FOUR_EYES_DEFAULT = True


def test_the_project_default_is_four_eyes():
    from frontline import settings as module

    assert module.FRONTLINE_FOUR_EYES_DEFAULT is True
    assert AgencyPolicy._meta.get_field("four_eyes").default is True
    assert project_settings.configured


def test_the_last_editor_cannot_publish_and_another_publisher_can(
    make_sop, editor, publisher, home_agency
):
    draft = make_sop(publish=False)
    services.version_update(version=draft, by=publisher, expected_edit_count=None, body="Edited.")
    with pytest.raises(NotAllowed, match="four eyes"):
        services.version_publish(version=draft, by=publisher)
    other = factories.expert(agency=home_agency, role="publisher").user
    assert services.version_publish(version=draft, by=other).number == "1.0"


def test_the_author_cannot_publish_their_own_draft(make_sop, publisher, home_agency, english):
    draft = services.sop_create(
        agency=home_agency,
        reference="OWN-1",
        title="Own",
        body="Text.",
        language=english,
        by=publisher,
    )
    with pytest.raises(NotAllowed):
        services.version_publish(version=draft, by=publisher)


def test_review_queue_says_why_the_button_is_missing(client_for, make_sop, editor, publisher):
    draft = make_sop(publish=False)
    services.version_update(version=draft, by=publisher, expected_edit_count=None, body="Mine.")
    services.version_submit(version=draft, by=editor)
    page = text(client_for(publisher).get(reverse("sops:review_queue")))
    assert "No publish button" in page and "four eyes" in page
    assert reverse("sops:publish", args=[draft.sop_id, draft.pk]) not in page
    version_page = text(client_for(publisher).get(draft.get_absolute_url()))
    assert 'data-testid="four-eyes"' in version_page and 'id="publish-form"' not in version_page


def test_admins_turn_it_off_with_an_audit_entry_and_others_cannot(
    client_for, make_sop, publisher, agency_admin, home_agency
):
    url = reverse("sops:agency_policy", args=[home_agency.code])
    assert client_for(publisher).post(url, {"acknowledge_days": 14}).status_code == 403
    response = client_for(agency_admin).post(url, {"acknowledge_days": 21})
    assert response.status_code == 302
    policy = AgencyPolicy.objects.get(agency=home_agency)
    assert (policy.four_eyes, policy.acknowledge_days) == (False, 21)
    assert AuditEntry.objects.filter(action="sop.policy_changed").count() == 1
    assert client_for(agency_admin).post(url, {"acknowledge_days": 0}).status_code == 400
    draft = make_sop(publish=False)
    services.version_update(version=draft, by=publisher, expected_edit_count=None, body="Mine.")
    assert services.version_publish(version=draft, by=publisher).number == "1.0"
