"""Equipment deliveries and the regulations register."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from capacity.models import (
    EquipmentDelivery,
    Regulation,
)
from capacity.permissions import (
    can_manage_register,
)
from events.services import event_emit
from frontline.errors import ActionRefused, NotAllowed, required_text
from network.models import Agency

# --- registers


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ActionRefused(_("Give the value in EUR as a number.")) from None
    if amount < 0:
        raise ActionRefused(_("A value cannot be negative."))
    return amount


@transaction.atomic
def delivery_record(
    *, by, item: str, category: str, quantity, value_eur, recipient: Agency,
    date: datetime.date, programme: str = "",
) -> EquipmentDelivery:  # fmt: skip
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff record equipment deliveries."))
    if category not in EquipmentDelivery.Category.values:
        raise ActionRefused(_("Choose a category."))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ActionRefused(_("Give the quantity as a whole number.")) from None
    if quantity < 1:
        raise ActionRefused(_("Give the quantity as a whole number."))
    delivery = EquipmentDelivery.objects.create(
        item=required_text(item, _("Name the item delivered."))[:200], category=category,
        quantity=quantity, value_eur=_money(value_eur), recipient=recipient, date=date,
        programme=programme[:120],
    )  # fmt: skip
    audit_record(
        actor=by, action="capacity.register_changed", agency=recipient.pk,
        target=f"delivery:{delivery.pk}", details={"item": delivery.item},
    )  # fmt: skip
    return delivery


def can_edit_regulations(user, country_id: str) -> bool:
    """Staff, or editors of an agency of that country."""
    from network.permissions import agencies_with_role

    ids = agencies_with_role(user, "editor")
    if ids is None:
        return True
    return Agency.objects.filter(pk__in=ids, country_id=country_id).exists()


REGULATION_FIELDS = (
    "country_id",
    "language_id",
    "country",
    "title_original",
    "title_en",
    "language",
    "kind",
    "date",
    "status",
    "url",
)


@transaction.atomic
def regulation_save(
    *, by, regulation: Regulation | None = None, sops=None, indicators=None, **fields
) -> Regulation:
    """Add a regulation to the register, or correct one."""
    regulation = regulation or Regulation()
    for name, value in fields.items():
        if name not in REGULATION_FIELDS:
            raise ActionRefused(_("Unknown field %(name)s.") % {"name": name})
        setattr(regulation, name, value)
    if not regulation.country_id or not can_edit_regulations(by, regulation.country_id):
        raise NotAllowed(
            _("Only editors of that country's agencies, or staff, change its register.")
        )
    if not (regulation.title_original or "").strip():
        raise ActionRefused(_("Give the title in the original language."))
    if not (regulation.title_en or "").strip():
        raise ActionRefused(_("Give the title in English."))
    if regulation.kind not in Regulation.Kind.values:
        raise ActionRefused(_("Choose the type of the regulation."))
    regulation.save()
    if sops is not None:
        regulation.sops.set(sops)
    if indicators is not None:
        regulation.indicators.set(indicators)
    event_emit(
        kind="regulation.changed", actor=by, target=f"regulation:{regulation.pk}",
        payload={"regulation_id": regulation.pk, "country": regulation.country_id},
    )  # fmt: skip
    audit_record(
        actor=by, action="capacity.register_changed", target=f"regulation:{regulation.pk}",
        details={"title": regulation.title_en[:100]},
    )  # fmt: skip
    return regulation
