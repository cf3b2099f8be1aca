"""Each person's language and time zone: the one home of "which language, which zone".

Pages (``frontline.locale``), mails, digests and toasts all ask here, so a signed-in
expert's stored choice wins everywhere and a person without a profile (platform staff,
an account being created) falls back the same way: the site's default language, UTC.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings

# The time zone a new expert starts in, from their country (one zone per country: the
# capital's). Countries with several zones get the capital's; the expert can change it.
COUNTRY_TIMEZONES = {
    "AL": "Europe/Tirane",
    "AM": "Asia/Yerevan",
    "AT": "Europe/Vienna",
    "AZ": "Asia/Baku",
    "BA": "Europe/Sarajevo",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "BY": "Europe/Minsk",
    "CH": "Europe/Zurich",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GE": "Asia/Tbilisi",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "KG": "Asia/Bishkek",
    "KZ": "Asia/Almaty",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MD": "Europe/Chisinau",
    "ME": "Europe/Podgorica",
    "MK": "Europe/Skopje",
    "MN": "Asia/Ulaanbaatar",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "RS": "Europe/Belgrade",
    "RU": "Europe/Moscow",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "TJ": "Asia/Dushanbe",
    "TM": "Asia/Ashgabat",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
    "XK": "Europe/Belgrade",
}


def timezone_for_country(code: str | None) -> str:
    """The zone a new expert from ``code`` starts in; UTC for a country not listed."""
    name = COUNTRY_TIMEZONES.get((code or "").upper(), "UTC")
    return name if name in zoneinfo.available_timezones() else "UTC"


def supported_language(code: str | None) -> str | None:
    """``code`` if the site offers it (``ru``, ``en``), else None."""
    return code if code in dict(settings.LANGUAGES) else None


def _expert(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.expert
    except AttributeError:
        return None
    except Exception as exc:  # RelatedObjectDoesNotExist: staff without a profile
        if type(exc).__name__ == "RelatedObjectDoesNotExist":
            return None
        raise


def language_of(user) -> str | None:
    """The language the signed-in user chose on their profile, or None (not chosen)."""
    expert = _expert(user)
    return supported_language(expert.language) if expert is not None else None


def timezone_name_of(user) -> str:
    expert = _expert(user)
    return (expert.timezone if expert is not None else "") or "UTC"


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The ``ZoneInfo`` for ``name``; UTC for a name that is not a zone (an old row)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def delivery_language(code: str | None) -> str:
    """The language of what is delivered to a person (toast, mail, digest): their
    choice, else the site's default."""
    return supported_language(code) or settings.LANGUAGE_CODE
