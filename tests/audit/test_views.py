"""The audit page: staff read everything; agency admins their own agency; others nothing."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record


def _entries(home_agency, other_agency, staff):
    audit_record(actor=staff, action="sop.published", agency=home_agency, target="sop:1")
    audit_record(actor=staff, action="sop.withdrawn", agency=other_agency, target="sop:2")


def test_staff_see_every_entry_and_filter_them(client_for, staff, home_agency, other_agency):
    _entries(home_agency, other_agency, staff)
    client = client_for(staff)
    page = client.get(reverse("audit:list"))
    assert [e.target for e in page.context["page"]] == ["sop:2", "sop:1"]
    filtered = client.get(reverse("audit:list"), {"action": "sop.published"})
    assert [e.target for e in filtered.context["page"]] == ["sop:1"]
    by_agency = client.get(reverse("audit:list"), {"agency": other_agency.pk, "actor": "sta"})
    assert [e.target for e in by_agency.context["page"]] == ["sop:2"]
    future = client.get(reverse("audit:list"), {"since": "2999-01-01"})
    assert list(future.context["page"]) == []


def test_agency_admin_sees_only_their_agency(
    client_for, agency_admin, staff, home_agency, other_agency
):
    _entries(home_agency, other_agency, staff)
    page = client_for(agency_admin).get(reverse("audit:list"))
    assert [e.target for e in page.context["page"]] == ["sop:1"]
    assert b"sop:2" not in page.content
    sneaky = client_for(agency_admin).get(reverse("audit:list"), {"agency": other_agency.pk})
    assert "sop:2" not in [e.target for e in sneaky.context["page"]]


def test_publisher_and_anonymous_cannot_read_the_trail(client, client_for, publisher):
    assert client.get(reverse("audit:list")).status_code == 302
    assert client_for(publisher).get(reverse("audit:list")).status_code == 403


def test_admin_site_is_read_only(client_for, staff, home_agency, other_agency):
    _entries(home_agency, other_agency, staff)
    client = client_for(staff)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    pk = AuditEntry.objects.first().pk
    assert client.get(f"/admin/audit/auditentry/{pk}/delete/").status_code == 403
