"""The audit trail page. Staff see everything; agency admins see their agencies' entries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.forms import AuditFilterForm
from audit.selectors import audit_agencies, audit_entries

PAGE_SIZE = 50


@login_required
def audit_list(request):
    agencies = audit_agencies(request.user)
    if agencies == []:
        raise PermissionDenied(_("Only platform staff and agency admins can read the audit trail."))
    form = AuditFilterForm(request.GET or None, agencies=agencies)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_entries(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )
