"""Every transition of a procedure and every refusal, through the services."""

import datetime

import pytest

from events.models import Event
from frontline.errors import ActionRefused, Conflict, NotAllowed
from sops import services
from sops.models import SOP, Acknowledgement, SOPVersion
from tests import factories

Status = SOPVersion.Status


def test_editor_drafts_and_publisher_publishes_1_0(
    make_sop, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = make_sop()
    assert (version.number, version.status, version.approver) == (
        "1.0",
        Status.PUBLISHED,
        publisher,
    )
    assert version.sop.current_version == version
    event = Event.objects.get(kind="sop.published")
    assert event.payload == {
        "sop_id": version.sop_id,
        "version_id": version.pk,
        "agency_id": version.sop.agency_id,
        "number": "1.0",
        "change_kind": "major",
        "previous_version_id": None,
        "effective_date": version.effective_date.isoformat(),
        "scheduled": False,
        "acknowledge_by": (version.effective_date + datetime.timedelta(days=14)).isoformat(),
    }


def test_full_review_cycle_with_return(make_sop, editor, publisher):
    draft = make_sop(publish=False)
    services.version_submit(version=draft, by=editor)
    with pytest.raises(ActionRefused, match="Say why"):
        services.version_return(version=draft, by=publisher, reason="")
    returned = services.version_return(version=draft, by=publisher, reason="Add the phone numbers")
    assert (returned.status, returned.returned_reason) == (Status.DRAFT, "Add the phone numbers")
    services.version_submit(version=draft, by=editor)
    assert services.version_publish(version=draft, by=publisher).number == "1.0"


@pytest.mark.parametrize(
    ("kind", "expected"), [("major", "2.0"), ("minor", "1.1"), ("editorial", "1.1")]
)
def test_revision_number_follows_change_kind(make_sop, editor, publisher, kind, expected):
    first = make_sop()
    revision = services.version_start_revision(sop=first.sop, by=editor, change_kind=kind)
    assert revision.body == first.body and revision.based_on == first
    services.version_update(
        version=revision,
        by=editor,
        expected_edit_count=0,
        body=first.body + "\nWear gloves.",
        change_summary="Gloves",
    )
    published = services.version_publish(version=revision, by=publisher)
    first.refresh_from_db()
    assert published.number == expected
    assert first.status == Status.SUPERSEDED
    assert SOP.objects.get(pk=first.sop_id).current_version == published


def test_revision_needs_change_summary(make_sop, editor, publisher):
    first = make_sop()
    revision = services.version_start_revision(sop=first.sop, by=editor)
    with pytest.raises(ActionRefused, match="change summary"):
        services.version_publish(version=revision, by=publisher)
    assert (
        services.version_publish(version=revision, by=publisher, change_summary="Phone list").number
        == "1.1"
    )


def test_only_one_open_revision(make_sop, editor):
    first = make_sop()
    services.version_start_revision(sop=first.sop, by=editor)
    with pytest.raises(ActionRefused, match="already exists"):
        services.version_start_revision(sop=first.sop, by=editor)


@pytest.mark.parametrize("persona", ["member", "outsider", "unvetted"])
def test_non_editors_cannot_create_or_edit(request, persona, make_sop, home_agency, english):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        services.sop_create(
            agency=home_agency, reference="X-1", title="X", body="x", language=english, by=user
        )
    draft = make_sop(publish=False)
    with pytest.raises(NotAllowed):
        services.version_update(version=draft, by=user, expected_edit_count=0, body="hacked")
    draft.refresh_from_db()
    assert "hacked" not in draft.body


@pytest.mark.parametrize("persona", ["editor", "member", "outsider"])
def test_only_publishers_publish(request, persona, make_sop):
    user = request.getfixturevalue(persona)
    draft = make_sop(publish=False)
    with pytest.raises(NotAllowed):
        services.version_publish(version=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Event.objects.filter(kind="sop.published").exists()


def test_reference_unique_per_agency_not_across(make_sop, other_agency, outsider, english):
    make_sop("BIO-001")
    with pytest.raises(ActionRefused, match="already has"):
        make_sop("bio-001")
    other = services.sop_create(
        agency=other_agency, reference="BIO-001", title="T", body="b", language=english, by=outsider
    )
    assert other.sop.reference == "BIO-001"


@pytest.mark.parametrize("field", ["body", "title", "change_summary"])
def test_published_version_can_never_be_changed(make_sop, publisher, field):
    version = make_sop()
    before = SOPVersion.objects.get(pk=version.pk)
    with pytest.raises(ActionRefused, match="published"):
        services.version_update(
            version=version, by=publisher, expected_edit_count=None, **{field: "changed"}
        )
    with pytest.raises(ActionRefused):
        services.version_submit(version=version, by=publisher)
    with pytest.raises(ActionRefused):
        services.attachment_add(
            version=version, by=publisher, uploaded=_upload(b"%PDF-1.4 x", "a.pdf")
        )
    after = SOPVersion.objects.get(pk=version.pk)
    assert (after.body, after.title, after.change_summary, after.updated) == (
        before.body,
        before.title,
        before.change_summary,
        before.updated,
    )


def test_second_save_of_same_draft_is_refused(make_sop, editor, publisher):
    draft = make_sop(publish=False)
    seen_by_both = draft.edit_count
    services.version_update(
        version=draft, by=editor, expected_edit_count=seen_by_both, body="Editor's text"
    )
    with pytest.raises(Conflict, match="Someone else saved"):
        services.version_update(
            version=draft, by=publisher, expected_edit_count=seen_by_both, body="Publisher's text"
        )
    draft.refresh_from_db()
    assert draft.body == "Editor's text"


def test_withdraw_needs_reason_and_clears_current(
    make_sop, publisher, django_capture_on_commit_callbacks
):
    version = make_sop()
    with pytest.raises(ActionRefused, match="why"):
        services.version_withdraw(version=version, by=publisher, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.version_withdraw(version=version, by=publisher, reason="Replaced by joint SOP")
    version.refresh_from_db()
    assert version.status == Status.WITHDRAWN
    assert SOP.objects.get(pk=version.sop_id).current_version is None
    assert Event.objects.get(kind="sop.withdrawn").payload["reason"] == "Replaced by joint SOP"
    with pytest.raises(ActionRefused, match="withdrawn"):
        services.version_withdraw(version=version, by=publisher, reason="again")


def test_adapt_creates_linked_draft_in_own_agency(make_sop, outsider, other_agency):
    source = make_sop(visibility=SOP.Visibility.PUBLIC)
    draft = services.sop_adapt(
        source=source, agency=other_agency, reference="UA-BIO-1", by=outsider
    )
    assert draft.sop.agency == other_agency
    assert draft.sop.adapted_from == source
    assert draft.body == source.body and draft.status == Status.DRAFT
    assert Event.objects.get(kind="sop.adapted").payload["source_version_id"] == source.pk


def test_cannot_adapt_what_one_cannot_see(make_sop, outsider, other_agency):
    source = make_sop(visibility=SOP.Visibility.AGENCY)
    with pytest.raises(NotAllowed):
        services.sop_adapt(source=source, agency=other_agency, reference="UA-1", by=outsider)


def test_cannot_adapt_into_an_agency_where_one_is_not_editor(make_sop, member, other_agency):
    source = make_sop()
    with pytest.raises(NotAllowed):
        services.sop_adapt(source=source, agency=other_agency, reference="UA-1", by=member)


def test_acknowledge_once(make_sop, member):
    version = make_sop()
    first = services.version_acknowledge(version=version, by=member)
    again = services.version_acknowledge(version=version, by=member)
    assert first.pk == again.pk
    assert Acknowledgement.objects.filter(version=version).count() == 1


def test_cannot_acknowledge_invisible_or_superseded(make_sop, outsider, editor, publisher, member):
    hidden = make_sop("HID-1", visibility=SOP.Visibility.AGENCY)
    with pytest.raises(NotAllowed):
        services.version_acknowledge(version=hidden, by=outsider)
    revision = services.version_start_revision(sop=hidden.sop, by=editor)
    services.version_publish(version=revision, by=publisher, change_summary="x")
    hidden.refresh_from_db()
    with pytest.raises(ActionRefused, match="in force"):
        services.version_acknowledge(version=hidden, by=member)


def test_partner_agency_sees_agency_only_sop(make_sop, outsider, other_agency):
    version = make_sop(visibility=SOP.Visibility.AGENCY, partner_agencies=[other_agency])
    assert services.version_acknowledge(version=version, by=outsider)


def test_review_reminder_emitted_once_per_version(make_sop, django_capture_on_commit_callbacks):
    today = datetime.date(2026, 11, 21)
    due = make_sop(
        "DUE-1", effective_date=datetime.date(2025, 1, 1), review_due=datetime.date(2026, 1, 1)
    )
    make_sop(
        "LATER-1", effective_date=datetime.date(2025, 1, 1), review_due=datetime.date(2027, 1, 1)
    )
    assert services.review_reminders_emit(today=today) == 1
    assert services.review_reminders_emit(today=today) == 0
    event = Event.objects.get(kind="sop.review_due")
    assert event.payload["version_id"] == due.pk


def test_review_due_must_follow_effective_date(make_sop):
    with pytest.raises(ActionRefused, match="after the effective"):
        make_sop(
            publish=False,
            effective_date=datetime.date(2026, 5, 1),
            review_due=datetime.date(2026, 4, 1),
        )


def test_sop_update_changes_visibility_and_emits(make_sop, publisher, editor, other_agency):
    version = make_sop()
    with pytest.raises(NotAllowed):
        services.sop_update(sop=version.sop, by=editor, visibility=SOP.Visibility.PUBLIC)
    services.sop_update(
        sop=version.sop,
        by=publisher,
        visibility=SOP.Visibility.AGENCY,
        partner_agencies=[other_agency],
    )
    sop = SOP.objects.get(pk=version.sop_id)
    assert sop.visibility == SOP.Visibility.AGENCY
    assert list(sop.partner_agencies.all()) == [other_agency]
    assert Event.objects.filter(kind="sop.changed").count() == 1


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_attachment_checked_by_content_and_hashed(make_sop, editor):
    import hashlib

    draft = make_sop(publish=False)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    attachment = services.attachment_add(version=draft, by=editor, uploaded=_upload(png, "map.png"))
    assert attachment.content_type == "image/png"
    assert attachment.sha256 == hashlib.sha256(png).hexdigest()
    assert attachment.file.read() == png


def test_attachment_with_lying_extension_is_refused(make_sop, editor):
    draft = make_sop(publish=False)
    with pytest.raises(ActionRefused, match="Only PDF"):
        services.attachment_add(
            version=draft, by=editor, uploaded=_upload(b"<script>alert(1)</script>", "report.pdf")
        )
    assert not draft.attachments.exists()


def test_attachment_over_the_size_limit_is_refused(make_sop, editor, settings):
    settings.FRONTLINE_MAX_UPLOAD_BYTES = 1024
    draft = make_sop(publish=False)
    with pytest.raises(ActionRefused, match="limit"):
        services.attachment_add(
            version=draft, by=editor, uploaded=_upload(b"%PDF-1.4" + b"0" * 2048, "big.pdf")
        )
    assert not draft.attachments.exists()


def test_docx_and_xlsx_recognised_and_other_zips_refused(make_sop, editor, tmp_path):
    import io
    import zipfile

    def zipped(*names):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in names:
                archive.writestr(name, "<x/>")
        return buffer.getvalue()

    draft = make_sop(publish=False)
    docx = services.attachment_add(
        version=draft,
        by=editor,
        uploaded=_upload(zipped("[Content_Types].xml", "word/document.xml"), "a.docx"),
    )
    xlsx = services.attachment_add(
        version=draft,
        by=editor,
        uploaded=_upload(zipped("[Content_Types].xml", "xl/workbook.xml"), "a.xlsx"),
    )
    assert docx.content_type.endswith("wordprocessingml.document")
    assert xlsx.content_type.endswith("spreadsheetml.sheet")
    with pytest.raises(ActionRefused):
        services.attachment_add(
            version=draft, by=editor, uploaded=_upload(zipped("evil.exe"), "a.docx")
        )


def test_staff_can_do_everything(make_sop, staff):
    draft = make_sop(publish=False)
    assert services.version_publish(version=draft, by=staff).number == "1.0"


def test_users_who_can_view(make_sop, member, outsider, unvetted, staff, other_agency):
    from sops.permissions import users_who_can_view

    agency_only = make_sop("A-1", visibility=SOP.Visibility.AGENCY).sop
    network = make_sop("N-1", visibility=SOP.Visibility.NETWORK).sop
    assert {member, staff} <= set(users_who_can_view(agency_only))
    assert outsider not in set(users_who_can_view(agency_only))
    assert {member, outsider} <= set(users_who_can_view(network))
    assert unvetted not in set(users_who_can_view(network))
    partner = factories.expert(agency=other_agency).user
    agency_only.partner_agencies.add(other_agency)
    assert partner in set(users_who_can_view(agency_only))
