"""The home page of a signed-in expert says what to do next; visitors get the public one."""

import datetime

from django.urls import reverse
from django.utils import timezone

from sops import services
from sops.models import SOPVersion
from tests.sops.test_views import text


def test_visitors_and_unvetted_accounts_get_the_public_home(client, client_for, unvetted, db):
    assert "Regions" in text(client.get(reverse("home")))
    page = text(client_for(unvetted).get(reverse("home")))
    assert "waits for vetting" in page and "To acknowledge" not in page


def test_empty_states_say_what_to_do_next(client_for, member, publisher):
    page = text(client_for(member).get(reverse("home")))
    assert "Nothing to acknowledge" in page and "Nothing new among what you follow" in page
    assert "Your drafts" not in page and "Waiting for your review" not in page
    page = text(client_for(publisher).get(reverse("home")))
    assert "No draft in progress" in page and "No review is overdue" in page


def test_member_sees_what_to_acknowledge_and_what_changed(
    client_for, make_sop, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = make_sop()
    response = client_for(member).get(reverse("home"))
    assert [o.major for o in response.context["owed"]] == [v1]
    page = text(response)
    due = v1.effective_date + datetime.timedelta(days=14)
    assert "BIO-001" in page and "major revision 1.0" in page
    assert [n.sop_id for n in response.context["changes"]] == [v1.sop_id]
    assert due.year and 'data-testid="change"' in page
    services.version_acknowledge(version=v1, by=member)
    assert client_for(member).get(reverse("home")).context["owed"] == []


def test_editors_and_publishers_see_drafts_queue_and_overdue_reviews(
    client_for, make_sop, editor, publisher
):
    today = timezone.localdate()
    v1 = make_sop()
    SOPVersion.objects.filter(pk=v1.pk).update(review_due=today - datetime.timedelta(days=2))
    draft = services.version_start_revision(sop=v1.sop, by=editor)
    assert text(client_for(editor).get(reverse("home"))).count('data-testid="draft"') == 1
    services.version_submit(version=draft, by=editor)
    response = client_for(publisher).get(reverse("home"))
    assert [v.pk for v in response.context["queue"]] == [draft.pk]
    assert [v.pk for v in response.context["reviews_overdue"]] == [v1.pk]
    assert "Reviews overdue in your agencies" not in text(client_for(editor).get(reverse("home")))
