"""The indicator framework: add, reword, retire and restore (past scores keep theirs)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from capacity.models import (
    Indicator,
)
from capacity.permissions import (
    can_manage_register,
)
from frontline.errors import ActionRefused, NotAllowed

# --- the framework


@transaction.atomic
def indicator_save(*, by, indicator: Indicator | None = None, **fields) -> Indicator:
    """Add an indicator, or change its wording (its past scores keep pointing at it)."""
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator = indicator or Indicator()
    for name in ("code", "title", "description", "order", *(f"level_{n}" for n in range(1, 6))):
        if name in fields:
            setattr(indicator, name, fields[name])
    for n in range(1, 6):
        if not str(getattr(indicator, f"level_{n}") or "").strip():
            raise ActionRefused(_("Describe each of the five levels."))
    if not indicator.code or not indicator.title:
        raise ActionRefused(_("An indicator needs a code and a title."))
    indicator.save()
    audit_record(
        actor=by, action="capacity.register_changed", target=f"indicator:{indicator.pk}",
        details={"code": indicator.code},
    )  # fmt: skip
    return indicator


@transaction.atomic
def indicator_retire(*, by, indicator: Indicator, on: datetime.date | None = None) -> Indicator:
    """Retire an indicator: new assessments leave it out, past scores keep it."""
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator.retired = on or timezone.localdate()
    indicator.save(update_fields=["retired"])
    audit_record(
        actor=by, action="capacity.register_changed", target=f"indicator:{indicator.pk}",
        details={"retired": indicator.retired.isoformat()},
    )  # fmt: skip
    return indicator


@transaction.atomic
def indicator_restore(*, by, indicator: Indicator) -> Indicator:
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator.retired = None
    indicator.save(update_fields=["retired"])
    return indicator
