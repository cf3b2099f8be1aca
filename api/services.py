"""Creating and revoking API tokens; each change is audited."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api.models import ApiToken
from api.tokens import PREFIX_SHOWN, token_digest, token_generate
from audit.models import AuditEntry
from audit.services import audit_record
from frontline.errors import ActionRefused, NotAllowed

MAX_ACTIVE_TOKENS = 20


MAX_TOKEN_DAYS = 366


@transaction.atomic
def token_create(
    *, by, name: str, scope: str = ApiToken.Scope.WRITE, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``by``. Returns the row and the raw token, which is never stored.

    ``scope`` "read" refuses every write; ``expires_in_days`` (1 to 366) ends it on its own.
    """
    if not by or not by.is_authenticated:
        raise NotAllowed(_("Sign in to create an API token."))
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("Name the token after the system that will use it."))
    if scope not in ApiToken.Scope.values:
        raise ActionRefused(_("A token's scope is read or write."))
    expires = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
            raise ActionRefused(
                ngettext(
                    "A token expires after 1 to %(n)d day, or never.",
                    "A token expires after 1 to %(n)d days, or never.",
                    MAX_TOKEN_DAYS,
                )
                % {"n": MAX_TOKEN_DAYS}
            )
        expires = timezone.now() + timedelta(days=expires_in_days)
    if ApiToken.objects.filter(user=by, revoked__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ActionRefused(
            ngettext(
                "You have %(n)d active token; revoke it before creating another.",
                "You have %(n)d active tokens; revoke one before creating another.",
                MAX_ACTIVE_TOKENS,
            )
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = token_generate()
    token = ApiToken.objects.create(
        user=by,
        name=name[:100],
        prefix=raw[:PREFIX_SHOWN],
        digest=token_digest(raw),
        scope=scope,
        expires=expires,
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.TOKEN_CREATED,
        target=f"api_token:{token.pk}",
        details={
            "name": token.name,
            "prefix": token.prefix,
            "scope": scope,
            "expires": expires.isoformat() if expires else None,
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke one's own token (staff may revoke anyone's). Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk and not by.is_staff:
        raise NotAllowed(_("You can only revoke your own tokens."))
    if token.revoked is not None:
        return token
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.TOKEN_REVOKED,
        target=f"api_token:{token.pk}",
        details={"name": token.name, "prefix": token.prefix, "owner": token.user.get_username()},
    )
    return token


def tokens_revoke_all(*, user, by, why: str) -> list[ApiToken]:
    """Revoke every active token of ``user`` (their last membership ended), each audited.

    Called by the service that ended the membership, inside its transaction.
    """
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked__isnull=True))
    now = timezone.now()
    for token in tokens:
        token.revoked = now
        token.save(update_fields=["revoked"])
        audit_record(
            actor=by,
            action=AuditEntry.Action.TOKEN_REVOKED,
            target=f"api_token:{token.pk}",
            details={
                "name": token.name,
                "prefix": token.prefix,
                "owner": user.get_username(),
                "why": why,
            },
        )
    return tokens


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token with this value, its use recorded; None for unknown, revoked or
    expired."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked__isnull=True, user__is_active=True)
        .exclude(expires__lte=timezone.now())
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # At most one write a minute per token, so reads stay cheap.
    if token.last_used is None or (now - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
