"""The home page of a signed-in, vetted expert: what to do next.

What they must acknowledge (with due dates), what changed among what they follow since
they last read their notifications, their drafts and the reviews waiting on them
(editors, publishers), and the reviews overdue in their agencies (publishers, admins).
Everyone else gets the public home page (``network.views.home``). Every list comes from
a selector that applies the viewer's permissions.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from network.models import Membership
from network.permissions import agencies_with_role, is_vetted
from network.views import home as public_home
from notifications.selectors import notifications_list
from sops import compliance, selectors
from sops.models import SOPVersion

CHANGES_SHOWN = 10
CHANGE_KINDS = ("sop.published", "sop.took_effect", "sop.withdrawn")


def my_drafts(user):
    """Drafts the user wrote or last edited, in the agencies where they still edit."""
    editing = agencies_with_role(user, Membership.Role.EDITOR)
    qs = SOPVersion.objects.filter(status__in=selectors.WORKING_STATUSES).filter(
        Q(author=user) | Q(last_edited_by=user)
    )
    if editing is not None:
        qs = qs.filter(sop__agency__in=editing)
    return qs.select_related("sop", "sop__agency").order_by("-updated")


def home(request):
    user = request.user
    if not user.is_authenticated or not is_vetted(user):
        return public_home(request)
    today = timezone.localdate()
    publishing = agencies_with_role(user, Membership.Role.PUBLISHER)
    reviews = compliance.reviews_due(agency_ids=publishing, today=today) if publishing != [] else []
    changes = notifications_list(user=user, unread_only=True).filter(kind__in=CHANGE_KINDS)
    context = {
        "owed": compliance.acknowledgements_owed(user=user, today=today),
        "changes": list(changes.select_related("sop")[:CHANGES_SHOWN]),
        "is_editor": agencies_with_role(user, Membership.Role.EDITOR) != [],
        "drafts": list(my_drafts(user)[:20]),
        "is_publisher": publishing != [],
        "queue": list(selectors.review_queue(user=user)[:20]) if publishing != [] else [],
        "reviews_overdue": [v for v in reviews if v.review_due <= today],
        "reviews_soon": [v for v in reviews if v.review_due > today],
        "today": today,
    }
    return render(request, "sops/home.html", context)
