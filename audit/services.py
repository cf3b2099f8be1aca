"""Recording audit entries. Called by other services inside their own transaction."""

from __future__ import annotations

from audit.models import AuditEntry


def audit_record(
    *, actor, action: str, agency=None, target: str = "", details: dict | None = None
) -> AuditEntry:
    """Append one entry in the caller's transaction: a rollback takes the entry with it."""
    if action not in AuditEntry.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        action=action,
        agency_id=getattr(agency, "pk", agency),
        target=target,
        details=details or {},
    )
