"""The admin shows procedures but changes none: every change goes through sops.services."""

from django.urls import reverse

from sops.models import SOP, SOPVersion


def test_staff_can_look_at_sops_and_versions(client_for, staff, make_sop):
    version = make_sop()
    client = client_for(staff)
    assert client.get(reverse("admin:sops_sop_changelist")).status_code == 200
    assert client.get(reverse("admin:sops_sopversion_changelist")).status_code == 200
    page = client.get(reverse("admin:sops_sopversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "Isolate the parcel" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


def test_staff_post_to_a_published_versions_change_page_changes_nothing(
    client_for, staff, make_sop
):
    version = make_sop()
    before = SOPVersion.objects.filter(pk=version.pk).values().get()
    response = client_for(staff).post(
        reverse("admin:sops_sopversion_change", args=[version.pk]),
        {
            "sop": version.sop_id,
            "title": "Tampered",
            "body": "Tampered body.",
            "status": "draft",
            "change_kind": "minor",
            "edit_count": 0,
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    assert SOPVersion.objects.filter(pk=version.pk).values().get() == before


def test_admin_cannot_add_or_delete_versions_or_change_sops(client_for, staff, make_sop):
    version = make_sop()
    client = client_for(staff)
    assert client.get(reverse("admin:sops_sopversion_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:sops_sopversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:sops_sop_change", args=[version.sop_id]),
        {"reference": "HACKED", "title": "Hacked", "visibility": "public"},
    )
    assert response.status_code == 403
    assert SOPVersion.objects.filter(pk=version.pk).exists()
    sop = SOP.objects.get(pk=version.sop_id)
    assert (sop.reference, sop.visibility) == ("BIO-001", SOP.Visibility.NETWORK)
