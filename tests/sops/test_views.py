"""Procedure pages: who sees what, the workflow through forms, and refusals that change nothing."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.models import Membership, Topic
from sops import services
from sops.models import SOP, Acknowledgement, Attachment, SOPVersion
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PERSONAS = ["publisher", "member", "outsider", "anonymous", "unvetted"]
SEES = {
    SOP.Visibility.PUBLIC: {"publisher", "member", "outsider", "anonymous", "unvetted"},
    SOP.Visibility.NETWORK: {"publisher", "member", "outsider"},
    SOP.Visibility.AGENCY: {"publisher", "member"},
}


def as_persona(request, client, name):
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))
    return client


def text(response) -> str:
    return response.content.decode()


def count_queries(client, url) -> int:
    """Queries one page costs now: the bound for the same page with more rows."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def revised(make_sop, editor, publisher):
    """An SOP with 1.0 (carrying a PNG attachment, now superseded) and 2.0 in force."""

    def make(visibility=SOP.Visibility.NETWORK, reference="BIO-001"):
        draft = services.sop_create(
            agency=editor.expert.memberships.get().agency,
            reference=reference,
            title="Sampling an unknown powder",
            body="Wear gloves. Seal the bag and call the laboratory.",
            language=factories.language(),
            by=editor,
            visibility=visibility,
        )
        services.attachment_add(
            version=draft, by=editor, uploaded=SimpleUploadedFile("form.png", PNG)
        )
        v1 = services.version_publish(version=draft, by=publisher)
        draft2 = services.version_start_revision(sop=v1.sop, by=editor, change_kind="major")
        services.version_update(
            version=draft2,
            by=editor,
            expected_edit_count=0,
            body="Wear nitrile gloves. Seal the bag twice and call the laboratory.",
        )
        v2 = services.version_publish(version=draft2, by=publisher, change_summary="Double bag.")
        v1.refresh_from_db()
        return v1, v2

    return make


@pytest.mark.parametrize("visibility", list(SEES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_and_download_follow_visibility(
    request, client, revised, visibility, persona, outsider, unvetted, publisher, member
):
    v1, v2 = revised(visibility)
    sop = v2.sop
    client = as_persona(request, client, persona)
    attachment = v1.attachments.get()
    urls = [
        sop.get_absolute_url(),
        v1.get_absolute_url(),
        v2.get_absolute_url(),
        reverse("sops:compare", args=[sop.pk]) + f"?a={v1.pk}&b={v2.pk}",
        attachment.get_absolute_url(),
    ]
    allowed = persona in SEES[visibility]
    for url in urls:
        assert client.get(url).status_code == (200 if allowed else 404), url
    listed = client.get(reverse("sops:list"))
    assert (sop in listed.context["page"].object_list) is allowed
    assert (sop.reference in text(listed)) is allowed


def test_download_serves_the_file_as_attachment_with_its_stored_type(client_for, revised, member):
    v1, _ = revised()
    attachment = v1.attachments.get()
    response = client_for(member).get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PNG


def test_drafts_are_found_only_by_the_agencys_editors(client_for, make_sop, editor, member):
    draft = make_sop("DRAFT-1", publish=False)
    client = client_for(editor)
    assert draft.sop in client.get(reverse("sops:list")).context["page"].object_list
    assert client.get(draft.sop.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200
    client = client_for(member)
    assert draft.sop not in client.get(reverse("sops:list")).context["page"].object_list
    assert client.get(draft.sop.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_open_revision_is_hidden_from_readers_but_superseded_stays_readable(
    client_for, revised, editor, member
):
    v1, v2 = revised()
    draft = services.version_start_revision(sop=v2.sop, by=editor)
    client = client_for(member)
    page = client.get(v2.sop.get_absolute_url())
    assert draft not in page.context["versions"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    old = client.get(v1.get_absolute_url())
    assert old.status_code == 200
    assert "This version is superseded" in text(old)
    assert "Seal the bag and call" in text(old)


def test_sop_page_shows_text_toc_metadata_and_versions(client_for, make_sop, member):
    version = make_sop(
        body="## Scope\n\nIsolate.\n\n## Steps\n\n1. Call <script>alert(1)</script> the officer.\n"
    )
    page = text(client_for(member).get(version.sop.get_absolute_url()))
    assert 'id="scope"' in page and 'href="#steps"' in page
    assert "<script>alert(1)</script>" not in page
    assert "Institute of Public Health" in page and "BIO-001" in page
    assert 'data-testid="version-number">1.0' in page
    assert 'id="related-procedures"' in page
    assert 'id="follow-controls"' in page


def test_editor_creates_writes_previews_and_submits(client_for, editor, home_agency, english):
    category = Topic.objects.create(slug="b", name="Biological", kind=Topic.Kind.CATEGORY)
    client = client_for(editor)
    response = client.post(
        reverse("sops:create"),
        {
            "agency": home_agency.pk,
            "reference": "PPE-02",
            "title": "PPE donning and doffing",
            "language": english.pk,
            "visibility": "network",
            "topics": [category.pk],
            "body": "",
        },
    )
    draft = SOPVersion.objects.get(sop__reference="PPE-02")
    assert response.url == reverse("sops:edit", args=[draft.sop_id, draft.pk])
    preview = client.post(
        reverse("sops:preview"), {"body": "# Gloves\n\n<img src=x onerror=alert(1)>"}
    )
    assert "<h1" in text(preview) and "onerror" not in text(preview)
    edit = client.get(response.url)
    assert 'name="edit_count" value="0"' in text(edit)
    client.post(
        response.url,
        {
            "title": "PPE donning and doffing",
            "body": "Put on the gown first.",
            "change_kind": "major",
            "change_summary": "",
            "edit_count": 0,
            "submit": "1",
        },
    )
    draft.refresh_from_db()
    assert draft.body == "Put on the gown first."
    assert draft.status == SOPVersion.Status.IN_REVIEW


def test_create_form_offers_only_agencies_where_the_user_edits(
    client_for, editor, other_agency, home_agency, member
):
    form = client_for(editor).get(reverse("sops:create")).context["form"]
    assert list(form.fields["agency"].queryset) == [home_agency]
    assert client_for(member).get(reverse("sops:create")).status_code == 403


def test_second_editor_saving_a_stale_draft_is_refused_and_keeps_their_text(
    client, make_sop, editor, home_agency
):
    draft = make_sop(publish=False)
    other_editor = factories.expert(agency=home_agency, role=Membership.Role.EDITOR).user
    url = reverse("sops:edit", args=[draft.sop_id, draft.pk])
    fields = {"title": draft.title, "change_kind": "major", "change_summary": ""}
    client.force_login(editor)
    assert client.get(url).context["form"]["edit_count"].value() == 0
    client.post(url, {**fields, "body": "First editor's text.", "edit_count": 0})
    client.force_login(other_editor)
    response = client.post(
        url, {**fields, "body": "Second editor's careful text.", "edit_count": 0}
    )
    assert response.status_code == 409
    assert "Someone else saved this draft" in text(response)
    assert "Second editor&#x27;s careful text." in text(response)
    draft.refresh_from_db()
    assert draft.body == "First editor's text."
    # The form now carries the current count, so saving again on purpose goes through.
    again = response.context["form"]["edit_count"].value()
    client.post(url, {**fields, "body": "Merged text.", "edit_count": again})
    draft.refresh_from_db()
    assert draft.body == "Merged text."


def test_published_version_cannot_be_edited_through_the_edit_page(client_for, make_sop, editor):
    version = make_sop()
    client = client_for(editor)
    url = reverse("sops:edit", args=[version.sop_id, version.pk])
    response = client.post(
        url,
        {"title": "Changed", "body": "Rewritten.", "change_kind": "minor", "edit_count": 0},
    )
    assert response.status_code == 400
    assert "Cannot edit a version that is published" in text(response)
    assert "Rewritten." in text(response)
    version.refresh_from_db()
    assert version.body != "Rewritten." and version.title != "Changed"
    assert "start a revision" in text(client.get(url, follow=True))


@pytest.mark.parametrize(
    ("who", "action", "data", "message"),
    [
        ("editor", "submit", {}, "Cannot submit a version that is published"),
        ("publisher", "publish", {}, "Cannot publish a version that is published"),
        ("publisher", "return", {"reason": "No."}, "Cannot return a version that is published"),
        ("member", "withdraw", {"reason": "Old."}, "Only publishers of"),
        ("publisher", "withdraw", {"reason": ""}, "Say why the procedure is withdrawn"),
    ],
)
def test_illegal_transitions_through_pages_show_why_and_change_nothing(
    request, client, make_sop, who, action, data, message
):
    version = make_sop()
    client.force_login(request.getfixturevalue(who))
    before = SOPVersion.objects.filter(pk=version.pk).values().get()
    response = client.post(
        reverse(f"sops:{action}", args=[version.sop_id, version.pk]), data, follow=True
    )
    assert message in text(response)
    assert SOPVersion.objects.filter(pk=version.pk).values().get() == before


def test_return_without_reason_keeps_the_version_in_review(client_for, make_sop, editor, publisher):
    draft = services.version_submit(version=make_sop(publish=False), by=editor)
    url = reverse("sops:return", args=[draft.sop_id, draft.pk])
    response = client_for(publisher).post(url, {"reason": " "}, follow=True)
    assert "Say why the draft goes back" in text(response)
    draft.refresh_from_db()
    assert draft.status == SOPVersion.Status.IN_REVIEW
    client_for(publisher).post(url, {"reason": "Add the phone number."})
    draft.refresh_from_db()
    assert draft.status == SOPVersion.Status.DRAFT
    assert "Add the phone number." in text(client_for(editor).get(draft.get_absolute_url()))


def test_review_queue_lists_only_own_agencies_versions_and_publishes(
    client_for, make_sop, editor, publisher, outsider, other_agency, english
):
    mine = services.version_submit(version=make_sop(publish=False), by=editor)
    theirs = services.sop_create(
        agency=other_agency,
        reference="X-1",
        title="Theirs",
        body="Text.",
        language=english,
        by=outsider,
    )
    services.version_submit(version=theirs, by=outsider)
    queue = client_for(publisher).get(reverse("sops:review_queue"))
    assert list(queue.context["versions"]) == [mine]
    assert "Review queue" in text(queue)
    client_for(publisher).post(
        reverse("sops:publish", args=[mine.sop_id, mine.pk]), {"change_summary": "First."}
    )
    mine.refresh_from_db()
    assert (mine.status, mine.number) == (SOPVersion.Status.PUBLISHED, "1.0")


def test_review_queue_is_for_publishers(client_for, member, editor):
    assert client_for(member).get(reverse("sops:review_queue")).status_code == 403
    assert "Review queue" not in text(client_for(editor).get(reverse("sops:list")))


def test_revision_publish_and_compare_through_pages(
    client_for, make_sop, editor, publisher, member
):
    v1 = make_sop(body="Isolate the parcel. Call the duty officer.")
    response = client_for(editor).post(
        reverse("sops:revise", args=[v1.sop_id]), {"change_kind": "major"}
    )
    draft = SOPVersion.objects.get(sop=v1.sop, status="draft")
    assert response.url == reverse("sops:edit", args=[v1.sop_id, draft.pk])
    client_for(editor).post(
        response.url,
        {
            "title": draft.title,
            "body": "Isolate the parcel. Call the regional officer.",
            "change_kind": "major",
            "change_summary": "Regional officer.",
            "edit_count": 0,
        },
    )
    client_for(publisher).post(reverse("sops:publish", args=[v1.sop_id, draft.pk]), {})
    draft.refresh_from_db()
    assert draft.number == "2.0"
    compare = client_for(member).get(
        reverse("sops:compare", args=[v1.sop_id]) + f"?a={draft.pk}&b={v1.pk}"
    )
    page = text(compare)
    assert "<del>duty</del>" in page and "<ins>regional</ins>" in page
    assert "Regional officer." in page
    assert compare.context["a"] == v1  # the older one is on the left whatever the order asked
    side = text(
        client_for(member).get(
            reverse("sops:compare", args=[v1.sop_id]) + f"?a={v1.pk}&b={draft.pk}&view=side"
        )
    )
    assert 'class="rendered-diff side"' in side


def test_compare_refuses_versions_of_another_sop(client_for, make_sop, member):
    a, b = make_sop("A-1"), make_sop("B-1")
    url = reverse("sops:compare", args=[a.sop_id]) + f"?a={a.pk}&b={b.pk}"
    assert client_for(member).get(url).status_code == 404


def test_adapt_links_both_ways_and_flags_a_newer_source(
    client_for, make_sop, outsider, other_agency, editor, publisher, member
):
    v1 = make_sop()
    client = client_for(outsider)
    assert "Adapt for my agency" in text(client.get(v1.sop.get_absolute_url()))
    response = client.post(
        reverse("sops:adapt", args=[v1.sop_id]),
        {"agency": other_agency.pk, "reference": "UA-BIO-1", "version": v1.pk},
    )
    adapted = SOP.objects.get(agency=other_agency, reference="UA-BIO-1")
    assert adapted.adapted_from == v1
    draft = adapted.versions.get()
    assert response.url == reverse("sops:edit", args=[adapted.pk, draft.pk])
    services.version_publish(version=draft, by=outsider)
    assert adapted in client_for(member).get(v1.sop.get_absolute_url()).context["adaptations"]
    page = text(client_for(outsider).get(adapted.get_absolute_url()))
    assert "Adapted from BIO-001 1.0" in page and "newer published version" not in page
    revision = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    v11 = services.version_publish(version=revision, by=publisher, change_summary="Typo.")
    page = text(client_for(outsider).get(adapted.get_absolute_url()))
    assert "The source has a newer published version: 1.1" in page
    assert f"?a={v1.pk}&amp;b={v11.pk}" in page


def test_adapting_into_ones_own_agency_is_refused_in_the_form(client_for, make_sop, editor):
    v1 = make_sop()
    assert "Adapt for my agency" not in text(client_for(editor).get(v1.sop.get_absolute_url()))
    response = client_for(editor).post(
        reverse("sops:adapt", args=[v1.sop_id]),
        {"agency": v1.sop.agency_id, "reference": "COPY"},
    )
    assert response.status_code == 400
    assert SOP.objects.count() == 1


def test_acknowledge_once_and_the_dashboard_shows_who_has_not(
    client_for,
    make_sop,
    member,
    publisher,
    editor,
    agency_admin,
    home_agency,
    django_assert_max_num_queries,
):
    version = make_sop()
    client = client_for(member)
    client.post(reverse("sops:acknowledge", args=[version.sop_id, version.pk]))
    client.post(reverse("sops:acknowledge", args=[version.sop_id, version.pk]))
    assert Acknowledgement.objects.filter(version=version).count() == 1
    assert "You acknowledged this version on" in text(client.get(version.sop.get_absolute_url()))
    client = client_for(agency_admin)
    url = reverse("sops:agency_dashboard", args=[home_agency.code])
    baseline = count_queries(client, url)
    for i in range(3):
        make_sop(f"EXTRA-{i}")
        factories.expert(agency=home_agency, full_name=f"Colleague {i}")
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    row = next(r for r in response.context["rows"] if r.sop == version.sop)
    assert [m.expert.user for m, _ack in row.acknowledged] == [member]
    assert publisher.expert.memberships.get() in row.pending
    assert len(row.pending) == len(response.context["members"]) - 1
    assert client_for(member).get(url).status_code == 403
    assert "Procedures dashboard" in text(client_for(publisher).get(home_agency.get_absolute_url()))


def test_a_minor_revision_does_not_forget_the_major_one_owed(
    client_for, make_sop, editor, publisher, member
):
    v1 = make_sop()
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    v11 = services.version_publish(version=draft, by=publisher, change_summary="Wording.")
    client = client_for(member)
    page = text(client.get(v1.sop.get_absolute_url()))
    assert "Version 1.0 was a major revision and you have not acknowledged it yet" in page
    assert "I have read and understood version 1.1" in page
    # The notification of 1.0 links to its page: the button is there too, for the version in force.
    old_page = client.get(v1.get_absolute_url())
    assert old_page.context["owed"].in_force == v11
    assert "I have read and understood version 1.1" in text(old_page)
    client.post(reverse("sops:acknowledge", args=[v1.sop_id, v11.pk]))
    assert "I have read and understood" not in text(client.get(v1.sop.get_absolute_url()))


def test_attachment_upload_refuses_wrong_type_with_the_service_message(
    client_for, make_sop, editor
):
    draft = make_sop(publish=False)
    url = reverse("sops:attachment_add", args=[draft.sop_id, draft.pk])
    client = client_for(editor)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert "Only PDF, DOCX, XLSX, PNG and JPEG" in text(response)
    assert not Attachment.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("photo.png", PNG)})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    client.post(reverse("sops:attachment_remove", args=[attachment.pk]))
    assert not Attachment.objects.exists()


def test_attachment_too_big_is_refused(client_for, make_sop, editor, settings):
    settings.FRONTLINE_MAX_UPLOAD_BYTES = 1024 * 1024
    draft = make_sop(publish=False)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (2 * 1024 * 1024))
    response = client_for(editor).post(
        reverse("sops:attachment_add", args=[draft.sop_id, draft.pk]), {"file": big}
    )
    assert "the limit is 1 MB" in text(response)
    assert not Attachment.objects.exists()


def test_attachment_of_a_draft_is_not_downloadable_by_readers(client_for, make_sop, editor, member):
    draft = make_sop(publish=False)
    attachment = services.attachment_add(
        version=draft, by=editor, uploaded=SimpleUploadedFile("f.png", PNG)
    )
    assert client_for(member).get(attachment.get_absolute_url()).status_code == 404
    assert client_for(editor).get(attachment.get_absolute_url()).status_code == 200


@pytest.fixture
def catalogue(make_sop, other_agency, outsider, home_agency):
    """SOPs that differ in every filter of the list."""
    russian = factories.language("ru", "Russian")
    factories.country("KZ", "Kazakhstan", region_code="CA")
    bio = Topic.objects.create(slug="b", name="Biological", kind=Topic.Kind.CATEGORY)
    decon = factories.topic("decontamination", "Decontamination")
    a = make_sop("A-1", title="Vehicle decontamination", topics=[decon])
    b = make_sop("B-1", title="Suspected anthrax letter", topics=[bio])
    services.version_withdraw(version=b, by=b.approver, reason="Replaced.")
    c = services.sop_create(
        agency=other_agency,
        reference="UA-1",
        title="Sick traveller",
        body="Текст.",
        language=russian,
        by=outsider,
        countries=[factories.country("KZ")],
    )
    services.version_publish(version=c, by=outsider)
    d = make_sop("D-1", title="Draft only", publish=False)
    return {"a": a.sop, "b": b.sop, "c": c.sop, "d": d.sop}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A-1", "B-1", "D-1", "UA-1"]),
        ("agency=other-agency", ["UA-1"]),
        ("country=KZ", ["UA-1"]),
        ("topic=decontamination", ["A-1"]),
        ("category=b", ["B-1"]),
        ("status=published", ["A-1", "UA-1"]),
        ("status=withdrawn", ["B-1"]),
        ("status=draft", ["D-1"]),
        ("language=ru", ["UA-1"]),
        ("q=anthrax", ["B-1"]),
    ],
)
def test_list_filters(client_for, editor, catalogue, query, expected):
    response = client_for(editor).get(reverse("sops:list") + "?" + query)
    assert sorted(s.reference for s in response.context["page"]) == expected


def test_each_row_of_the_list_says_where_its_procedure_stands(client_for, editor, catalogue):
    """The version in force, "Withdrawn" for one withdrawn after publishing (it has text
    to read), "Not published yet" for a draft only its editors see."""
    page = client_for(editor).get(reverse("sops:list") + "?agency=home-agency")
    rows = {
        re.search(r"<strong>(.*?)</strong>", item).group(1): re.findall(
            r'<span class="tag[^"]*">(.*?)</span>', item
        )
        for item in re.findall(
            r"<li>(.*?)</li>", text(page).split('<ul class="result-list">')[1], re.S
        )
    }
    assert rows["A-1"][0] == "1.0"
    assert rows["B-1"][0] == "Withdrawn"
    assert rows["D-1"][0] == "Not published yet"


def test_list_htmx_request_returns_only_results(client_for, member, editor, catalogue):
    response = client_for(member).get(reverse("sops:list") + "?language=ru", HTTP_HX_REQUEST="true")
    assert "Sick traveller" in text(response) and "<html" not in text(response)
    assert "Draft only" not in text(client_for(member).get(reverse("sops:list")))
    services.version_start_revision(sop=catalogue["a"], by=editor)
    drafts = client_for(member).get(reverse("sops:list") + "?status=draft")
    assert list(drafts.context["page"]) == []


def test_list_query_count_does_not_grow_with_rows(
    client_for, member, make_sop, django_assert_max_num_queries
):
    topic = factories.topic()
    make_sop("N-first", topics=[topic])
    client = client_for(member)
    baseline = count_queries(client, reverse("sops:list"))
    for i in range(25):
        make_sop(f"N-{i:02d}", topics=[topic])
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("sops:list"))
    assert len(response.context["page"]) == 20
    assert client.get(reverse("sops:list") + "?page=2").context["page"].number == 2


def test_agency_page_links_to_its_procedures(client, home_agency):
    page = text(client.get(home_agency.get_absolute_url()))
    assert f"{reverse('sops:list')}?agency={home_agency.code}" in page


def test_anonymous_actions_go_to_sign_in(client, make_sop):
    version = make_sop()
    response = client.post(reverse("sops:withdraw", args=[version.sop_id, version.pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_sop_page_query_count_does_not_grow_with_versions(
    client_for, make_sop, editor, publisher, member, django_assert_max_num_queries
):
    version = make_sop()
    client = client_for(member)
    draft = services.version_start_revision(sop=version.sop, by=editor, change_kind="minor")
    services.version_publish(version=draft, by=publisher, change_summary="Change.")
    baseline = count_queries(client, version.sop.get_absolute_url())
    for i in range(5):
        draft = services.version_start_revision(sop=version.sop, by=editor, change_kind="minor")
        services.version_publish(version=draft, by=publisher, change_summary=f"Change {i}.")
    with django_assert_max_num_queries(baseline):
        response = client.get(version.sop.get_absolute_url())
    assert len(response.context["versions"]) == 7


def test_print_and_check_pages_refuse_drafts_and_say_whether_in_force(
    client_for, make_sop, editor, publisher, member
):
    v1 = make_sop()
    draft = services.version_start_revision(sop=v1.sop, by=editor)
    client = client_for(editor)
    assert client.get(reverse("sops:print", args=[v1.sop_id, draft.pk])).status_code == 404
    assert client.get(reverse("sops:check", args=[draft.pk])).status_code == 404
    assert client.get(reverse("sops:check", args=[999999])).status_code == 404
    page = text(client_for(member).get(reverse("sops:print", args=[v1.sop_id, v1.pk])))
    assert "uncontrolled when printed" in page and "<svg" in page
    assert client_for(member).get(reverse("sops:check", args=[v1.pk])).context["in_force"]


def test_check_url_asks_an_anonymous_reader_of_a_network_procedure_to_sign_in(client, make_sop):
    v1 = make_sop()
    response = client.get(reverse("sops:check", args=[v1.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    public = make_sop("PUB-1", visibility="public")
    page = client.get(reverse("sops:check", args=[public.pk]))
    assert page.status_code == 200 and page.context["in_force"]
    printed = client.get(reverse("sops:print", args=[public.sop_id, public.pk]))
    assert "by a visitor" in text(printed)
