"""Test data in one place: small functions that make valid rows with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from network.models import Agency, Country, Expert, Language, Membership, Region, Topic

_seq = itertools.count(1)
PASSWORD = "a-long-test-password-42"


def region(code: str = "SEEE", name: str = "South-East and Eastern Europe") -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name": name})[0]


def country(code: str = "RS", name: str = "Serbia", region_code: str = "SEEE") -> Country:
    return Country.objects.get_or_create(
        code=code, defaults={"name": name, "region": region(region_code)}
    )[0]


def agency(
    code: str | None = None, *, country_code: str = "RS", kind: str = "public_health", **extra
) -> Agency:
    n = next(_seq)
    code = code or f"agency-{n}"
    return Agency.objects.create(
        code=code,
        name=extra.pop("name", f"Agency {n}"),
        acronym=extra.pop("acronym", f"A{n}"),
        country=country(country_code),
        kind=kind,
        **extra,
    )


def topic(slug: str = "detection-sampling", name: str = "Detection and sampling") -> Topic:
    return Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def language(code: str = "en", name: str = "English") -> Language:
    return Language.objects.get_or_create(code=code, defaults={"name": name})[0]


def user(username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def expert(
    *,
    agency: Agency | None = None,
    role: str | None = Membership.Role.MEMBER,
    status: str = Membership.Status.APPROVED,
    username: str | None = None,
    **extra,
) -> Expert:
    """An expert; with ``agency`` also a membership (``role=None`` means no membership)."""
    u = user(username)
    full_name = extra.pop("full_name", f"Expert {u.username}")
    extra.setdefault("email_verified", timezone.now())  # as after opening the mailed link
    e = Expert.objects.create(
        user=u, full_name=full_name, country=agency.country if agency else None, **extra
    )
    if agency is not None and role is not None:
        Membership.objects.create(expert=e, agency=agency, role=role, status=status)
    return e


def published_sop(publisher, agency: Agency, title: str, body: str, topics=(), reference=None):
    """A public SOP created and published through the services (no after-commit work run)."""
    from sops import services
    from sops.models import SOP

    draft = services.sop_create(
        agency=agency,
        reference=reference or f"BR-{title[:3].upper()}-{next(_seq)}",
        title=title,
        body=body,
        language=language(),
        by=publisher,
        visibility=SOP.Visibility.PUBLIC,
        topics=topics,
    )
    return services.version_publish(version=draft, by=publisher).sop
