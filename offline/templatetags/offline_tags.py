from django import template

from network.models import Agency, Topic
from network.permissions import approved_roles
from offline.models import KeptItem, KitSettings
from sops.models import SOP

register = template.Library()


@register.inclusion_tag("offline/_keep_button.html", takes_context=True)
def keep_offline_button(context, target):
    """ "Keep offline" on an SOP, agency or topic page, or what keeps it already."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated or target is None:
        return {"show": False}
    if isinstance(target, SOP):
        kind, field = KeptItem.Kind.SOP, "sop"
    elif isinstance(target, Agency):
        kind, field = KeptItem.Kind.AGENCY, "agency"
    elif isinstance(target, Topic):
        kind, field = KeptItem.Kind.TOPIC, "topic"
    else:
        return {"show": False}
    item = KeptItem.objects.filter(user=user, kind=kind, **{field: target}).first()
    agency_id = target.agency_id if kind == KeptItem.Kind.SOP else getattr(target, "pk", None)
    by_agency = (
        kind in (KeptItem.Kind.SOP, KeptItem.Kind.AGENCY)
        and agency_id in approved_roles(user)
        and KitSettings.for_user(user).keep_own_agency
    )
    return {
        "show": True,
        "kind": kind,
        "target": target,
        "item": item,
        "by_agency": by_agency,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
