"""Creating and revoking API tokens; each change is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from api.tokens import PREFIX_SHOWN, token_digest, token_generate
from audit.models import AuditEntry
from audit.services import audit_record
from frontline.errors import ActionRefused, NotAllowed

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def token_create(*, by, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``by``. Returns the row and the raw token, which is never stored."""
    if not by or not by.is_authenticated:
        raise NotAllowed(_("Sign in to create an API token."))
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("Name the token after the system that will use it."))
    if ApiToken.objects.filter(user=by, revoked__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ActionRefused(
            _("You have %(n)d active tokens; revoke one before creating another.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = token_generate()
    token = ApiToken.objects.create(
        user=by, name=name[:100], prefix=raw[:PREFIX_SHOWN], digest=token_digest(raw)
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.TOKEN_CREATED,
        target=f"api_token:{token.pk}",
        details={"name": token.name, "prefix": token.prefix},
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


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token with this value, its use recorded; None for unknown or revoked."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked__isnull=True, user__is_active=True)
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
