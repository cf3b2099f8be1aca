"""Template helpers for procedure pages: role checks read the viewer's cached roles."""

from django import template

from network.models import Membership
from network.permissions import agencies_with_role, has_role

register = template.Library()


@register.simple_tag
def viewer_publishes(user) -> bool:
    """True if the viewer publishes for any agency: the nav shows the review queue."""
    return agencies_with_role(user, Membership.Role.PUBLISHER) != []


@register.simple_tag
def viewer_edits(user) -> bool:
    """True if the viewer writes drafts for any agency."""
    return agencies_with_role(user, Membership.Role.EDITOR) != []


@register.filter
def publishes_for(user, agency) -> bool:
    return has_role(user, agency, Membership.Role.PUBLISHER)


@register.filter
def edits_for(user, agency) -> bool:
    return has_role(user, agency, Membership.Role.EDITOR)
