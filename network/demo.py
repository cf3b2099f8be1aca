"""Deterministic demo network: regions, countries, agencies, experts and demo accounts.

Everything is keyed by natural keys and written with ``update_or_create``, so running
it twice leaves the same data.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontline.second_factor import TOTP_NAME
from network.models import Agency, Country, Expert, Language, Membership, Region, Topic

DEMO_PASSWORD = "frontline-demo"

# Region, country, language and topic names are reference data a visitor reads: marked
# for the catalogue here, translated when shown (their models' __str__).

REGIONS = [
    ("SEEE", gettext_noop("South-East and Eastern Europe")),
    ("CA", gettext_noop("Central Asia")),
    ("EU", gettext_noop("European Union")),
]

COUNTRIES = [
    ("AL", gettext_noop("Albania"), "SEEE"),
    ("AM", gettext_noop("Armenia"), "SEEE"),
    ("AZ", gettext_noop("Azerbaijan"), "SEEE"),
    ("BA", gettext_noop("Bosnia and Herzegovina"), "SEEE"),
    ("GE", gettext_noop("Georgia"), "SEEE"),
    ("MD", gettext_noop("Moldova"), "SEEE"),
    ("ME", gettext_noop("Montenegro"), "SEEE"),
    ("MK", gettext_noop("North Macedonia"), "SEEE"),
    ("RS", gettext_noop("Serbia"), "SEEE"),
    ("UA", gettext_noop("Ukraine"), "SEEE"),
    ("KZ", gettext_noop("Kazakhstan"), "CA"),
    ("KG", gettext_noop("Kyrgyzstan"), "CA"),
    ("TJ", gettext_noop("Tajikistan"), "CA"),
    ("UZ", gettext_noop("Uzbekistan"), "CA"),
    ("MN", gettext_noop("Mongolia"), "CA"),
    ("DE", gettext_noop("Germany"), "EU"),
    ("FR", gettext_noop("France"), "EU"),
    ("IT", gettext_noop("Italy"), "EU"),
    ("NL", gettext_noop("Netherlands"), "EU"),
    ("SE", gettext_noop("Sweden"), "EU"),
    ("HR", gettext_noop("Croatia"), "EU"),
    ("RO", gettext_noop("Romania"), "EU"),
]

LANGUAGES = [
    ("en", gettext_noop("English")),
    ("ru", gettext_noop("Russian")),
    ("sr", gettext_noop("Serbian")),
    ("sq", gettext_noop("Albanian")),
    ("mk", gettext_noop("Macedonian")),
    ("ro", gettext_noop("Romanian")),
    ("uk", gettext_noop("Ukrainian")),
    ("ka", gettext_noop("Georgian")),
    ("hy", gettext_noop("Armenian")),
    ("az", gettext_noop("Azerbaijani")),
    ("kk", gettext_noop("Kazakh")),
    ("ky", gettext_noop("Kyrgyz")),
    ("tg", gettext_noop("Tajik")),
    ("uz", gettext_noop("Uzbek")),
    ("mn", gettext_noop("Mongolian")),
    ("de", gettext_noop("German")),
    ("fr", gettext_noop("French")),
    ("it", gettext_noop("Italian")),
    ("hr", gettext_noop("Croatian")),
    ("bs", gettext_noop("Bosnian")),
]

CBRN_AREAS = [
    ("biosafety-biosecurity", gettext_noop("Bio-safety and bio-security")),
    ("crisis-management", gettext_noop("Crisis management")),
    ("first-response", gettext_noop("First response")),
    ("legal-framework", gettext_noop("Legal framework")),
    ("post-incident-recovery", gettext_noop("Post-incident recovery")),
    ("public-infrastructure-protection", gettext_noop("Public and infrastructure protection")),
    ("public-health-mitigation", gettext_noop("Public-health impact mitigation")),
    ("safety-security", gettext_noop("Safety and security")),
    ("detection-sampling", gettext_noop("Detection and sampling")),
    ("decontamination", gettext_noop("Decontamination")),
    ("training-exercises", gettext_noop("Training and exercises")),
    ("border-control", gettext_noop("Border and customs control")),
]
CBRN_CATEGORIES = [
    ("cat-c", gettext_noop("Chemical (C)")),
    ("cat-b", gettext_noop("Biological (B)")),
    ("cat-r", gettext_noop("Radiological (R)")),
    ("cat-n", gettext_noop("Nuclear (N)")),
]

# code, name, acronym, country, kind, parent code
AGENCIES = [
    (
        "al-bp",
        "Albanian State Police, Border and Migration Department",
        "BMD",
        "AL",
        "border_police",
        None,
    ),
    ("al-ishp", "Institute of Public Health (Albania)", "ISHP", "AL", "public_health", None),
    (
        "am-ncdc",
        "National Centre for Disease Control and Prevention (Armenia)",
        "NCDC-AM",
        "AM",
        "public_health",
        None,
    ),
    (
        "am-customs",
        "State Revenue Committee, Customs Service (Armenia)",
        "SRC",
        "AM",
        "customs",
        None,
    ),
    (
        "az-vet",
        "Food Safety Agency, Veterinary Service (Azerbaijan)",
        "AFSA",
        "AZ",
        "veterinary",
        None,
    ),
    ("ba-bp", "Border Police of Bosnia and Herzegovina", "GP BiH", "BA", "border_police", None),
    (
        "ba-ita",
        "Indirect Taxation Authority, Customs (Bosnia and Herzegovina)",
        "UIO",
        "BA",
        "customs",
        None,
    ),
    (
        "ge-ncdc",
        "National Center for Disease Control and Public Health (Georgia)",
        "NCDC",
        "GE",
        "public_health",
        None,
    ),
    (
        "ge-lugar",
        "Richard Lugar Center for Public Health Research",
        "Lugar",
        "GE",
        "laboratory",
        "ge-ncdc",
    ),
    ("ge-rs", "Revenue Service, Customs Department (Georgia)", "GRS", "GE", "customs", None),
    (
        "md-bp",
        "General Inspectorate of Border Police (Moldova)",
        "IGPF",
        "MD",
        "border_police",
        None,
    ),
    ("md-ansp", "National Agency for Public Health (Moldova)", "ANSP", "MD", "public_health", None),
    ("me-ipc", "Institute of Public Health of Montenegro", "IJZCG", "ME", "public_health", None),
    (
        "mk-cp",
        "Protection and Rescue Directorate (North Macedonia)",
        "DZS",
        "MK",
        "civil_protection",
        None,
    ),
    ("mk-fva", "Food and Veterinary Agency (North Macedonia)", "AHV", "MK", "veterinary", None),
    (
        "rs-batut",
        'Institute of Public Health of Serbia "Dr Milan Jovanović Batut"',
        "Batut",
        "RS",
        "public_health",
        None,
    ),
    ("rs-bp", "Border Police Administration (Serbia)", "UGP", "RS", "border_police", None),
    ("rs-customs", "Customs Administration of Serbia", "UCS", "RS", "customs", None),
    (
        "rs-torlak",
        'Institute of Virology, Vaccines and Sera "Torlak"',
        "Torlak",
        "RS",
        "laboratory",
        None,
    ),
    (
        "ua-phc",
        "Public Health Center of the Ministry of Health of Ukraine",
        "PHC",
        "UA",
        "public_health",
        None,
    ),
    ("ua-dpsu", "State Border Guard Service of Ukraine", "ДПСУ", "UA", "border_police", None),
    ("ua-sses", "State Emergency Service of Ukraine", "ДСНС", "UA", "civil_protection", None),
    (
        "kz-ncph",
        "National Center for Public Health (Kazakhstan)",
        "NCPH",
        "KZ",
        "public_health",
        None,
    ),
    (
        "kz-customs",
        "State Revenue Committee, Customs Control (Kazakhstan)",
        "SRC-KZ",
        "KZ",
        "customs",
        None,
    ),
    ("kg-bs", "Border Service of the Kyrgyz Republic", "ПС КР", "KG", "border_police", None),
    (
        "tj-ses",
        "Sanitary-Epidemiological Service (Tajikistan)",
        "SES-TJ",
        "TJ",
        "public_health",
        None,
    ),
    (
        "uz-sesc",
        "Sanitary-Epidemiological Welfare Committee (Uzbekistan)",
        "SES-UZ",
        "UZ",
        "public_health",
        None,
    ),
    (
        "mn-nczd",
        "National Center for Zoonotic Diseases (Mongolia)",
        "NCZD",
        "MN",
        "laboratory",
        None,
    ),
    ("de-rki", "Robert Koch Institute", "RKI", "DE", "public_health", None),
    ("de-bpol", "Federal Police (Germany)", "BPOL", "DE", "border_police", None),
    ("fr-spf", "Santé publique France", "SpF", "FR", "public_health", None),
    ("it-iss", "Istituto Superiore di Sanità", "ISS", "IT", "laboratory", None),
    (
        "nl-rivm",
        "National Institute for Public Health and the Environment",
        "RIVM",
        "NL",
        "public_health",
        None,
    ),
    ("se-msb", "Swedish Civil Contingencies Agency", "MSB", "SE", "civil_protection", None),
    ("hr-hzjz", "Croatian Institute of Public Health", "HZJZ", "HR", "public_health", None),
    ("ro-igpf", "Romanian Border Police", "IGPF-RO", "RO", "border_police", None),
]

# Names in the scripts people write them in.
NAMES = {
    "AL": (
        ["Arben", "Elira", "Blerina", "Gentian", "Mirela", "Ilir"],
        ["Hoxha", "Kola", "Shehu", "Dervishi", "Çela", "Gjoni"],
    ),
    "AM": (
        ["Արամ", "Անի", "Գոհար", "Տիգրան", "Lilit", "Narek"],
        ["Պետրոսյան", "Hakobyan", "Սարգսյան", "Grigoryan", "Avetisyan"],
    ),
    "AZ": (
        ["Elçin", "Leyla", "Rauf", "Günay", "Tural"],
        ["Məmmədov", "Əliyeva", "Hüseynov", "Quliyeva"],
    ),
    "BA": (
        ["Amra", "Emir", "Jasmina", "Dženan", "Ivana", "Mirza"],
        ["Hadžić", "Kovačević", "Begović", "Marić", "Delić"],
    ),
    "GE": (
        ["ნინო", "გიორგი", "Tamar", "Levan", "მარიამ", "Davit"],
        ["ბერიძე", "Kapanadze", "გელაშვილი", "Lomidze", "Tsiklauri"],
    ),
    "MD": (
        ["Ion", "Natalia", "Victor", "Olga", "Andrei", "Elena"],
        ["Rusu", "Ceban", "Ciobanu", "Lungu", "Munteanu"],
    ),
    "ME": (
        ["Marko", "Jelena", "Nikola", "Milica"],
        ["Vuković", "Radulović", "Đukanović", "Popović"],
    ),
    "MK": (
        ["Бојан", "Ана", "Filip", "Marija", "Горан"],
        ["Стојановски", "Trajkovska", "Николовски", "Petrovska"],
    ),
    "RS": (
        ["Милош", "Jovana", "Стефан", "Dragana", "Nemanja", "Ивана"],
        ["Јовановић", "Petrović", "Николић", "Marković", "Đorđević"],
    ),
    "UA": (
        ["Олена", "Андрій", "Ірина", "Taras", "Oksana", "Богдан"],
        ["Шевченко", "Kovalenko", "Бондаренко", "Tkachenko", "Мельник"],
    ),
    "KZ": (
        ["Айгерім", "Nurlan", "Dana", "Ерлан", "Aliya"],
        ["Нұрланов", "Abenova", "Сейткали", "Zhaksybekov"],
    ),
    "KG": (["Айбек", "Gulnara", "Азамат", "Cholpon"], ["Асанов", "Mamatova", "Токтогулов"]),
    "TJ": (["Фарход", "Malika", "Рустам", "Zarina"], ["Рахимов", "Nazarova", "Шарипов"]),
    "UZ": (["Dilshod", "Нигора", "Jasur", "Madina"], ["Karimov", "Юсупова", "Rashidov"]),
    "MN": (["Батбаяр", "Oyunchimeg", "Тэмүүлэн"], ["Ганбаатар", "Bold", "Enkhtuya"]),
    "DE": (["Anna", "Jürgen", "Katrin", "Lukas"], ["Müller", "Schäfer", "Weiß", "Becker"]),
    "FR": (["Camille", "Étienne", "Hélène", "Luc"], ["Lefèvre", "Moreau", "Girard"]),
    "IT": (["Giulia", "Marco", "Chiara"], ["Rossi", "Bianchi", "Ferrara"]),
    "NL": (["Sanne", "Pieter", "Eva"], ["de Vries", "van Dijk", "Jansen"]),
    "SE": (["Karin", "Erik", "Åsa"], ["Lindqvist", "Nyström", "Öberg"]),
    "HR": (["Ana", "Tomislav", "Petra"], ["Horvat", "Babić", "Knežević"]),
    "RO": (["Mihai", "Ioana", "Radu"], ["Popescu", "Ionescu", "Dumitrescu"]),
}

NATIVE_LANGUAGE = {
    "AL": "sq",
    "AM": "hy",
    "AZ": "az",
    "BA": "bs",
    "GE": "ka",
    "MD": "ro",
    "ME": "sr",
    "MK": "mk",
    "RS": "sr",
    "UA": "uk",
    "KZ": "kk",
    "KG": "ky",
    "TJ": "tg",
    "UZ": "uz",
    "MN": "mn",
    "DE": "de",
    "FR": "fr",
    "IT": "it",
    "NL": "en",
    "SE": "en",
    "HR": "hr",
    "RO": "ro",
}

POSITIONS = {
    "border_police": [
        "Border police inspector",
        "Shift commander, border crossing point",
        "CBRN focal point, border police",
        "Training officer, border police academy",
    ],
    "customs": [
        "Customs officer, risk analysis",
        "Senior customs inspector",
        "Head of customs laboratory liaison",
        "Customs trainer",
    ],
    "public_health": [
        "Epidemiologist",
        "Head of biosafety unit",
        "Public-health emergency coordinator",
        "Infection-prevention specialist",
    ],
    "veterinary": [
        "Border veterinary inspector",
        "Veterinary epidemiologist",
        "Phytosanitary inspector",
    ],
    "laboratory": [
        "Microbiologist, BSL-3 laboratory",
        "Biosafety officer",
        "Laboratory quality manager",
        "Molecular diagnostics specialist",
    ],
    "civil_protection": [
        "CBRN response team leader",
        "Decontamination unit officer",
        "Emergency planning officer",
    ],
    "ministry": ["Policy adviser"],
    "international": ["Programme officer"],
}

# username, full name, agency code, role (None: pending applicant), staff
DEMO_ACCOUNTS = [
    ("staff", "Platform Staff", None, None, True),
    ("admin", "Dragana Admin-Ilić", "rs-batut", Membership.Role.ADMIN, False),
    ("publisher", "Miloš Publisher-Petrović", "rs-batut", Membership.Role.PUBLISHER, False),
    ("editor", "Jelena Editor-Marković", "rs-batut", Membership.Role.EDITOR, False),
    ("member", "Nikola Member-Jovanović", "rs-batut", Membership.Role.MEMBER, False),
    ("outsider", "Olena Outsider-Koval", "ua-phc", Membership.Role.PUBLISHER, False),
    ("applicant", "Arben Applicant-Hoxha", "al-ishp", None, False),
]

EXPERT_COUNT = 120
# The demo's staff and admin sign in with a second factor like real ones; their
# authenticator key is this public one, so `manage.py demo_code staff` can show the code.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key
DEMO_TOTP_ACCOUNTS = ("staff", "admin")
# Every demo address counts as confirmed, so the demo applicant can be approved at once.
DEMO_EMAIL_VERIFIED = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)

# ITU country calling codes, so a demo phone number belongs to the expert's country.
CALLING_CODES = {
    "AL": 355, "AM": 374, "AZ": 994, "BA": 387, "GE": 995, "MD": 373, "ME": 382, "MK": 389,
    "RS": 381, "UA": 380, "KZ": 7, "KG": 996, "TJ": 992, "UZ": 998, "MN": 976, "DE": 49,
    "FR": 33, "IT": 39, "NL": 31, "SE": 46, "HR": 385, "RO": 40,
}  # fmt: skip


def unique_demo_name(
    rng: random.Random, names: tuple[list[str], list[str]], taken: set[str]
) -> str:
    """A first and last name of the country nobody in the demo has yet (a middle initial
    once the country's combinations run out), so the directory shows no one twice."""
    firsts, lasts = names
    candidates = [f"{first} {last}" for first in firsts for last in lasts]
    rng.shuffle(candidates)
    for initial in ["", *"ABCDEFGHIJKLMNOPRSTVZ"]:
        for name in candidates:
            if initial:
                first, last = name.split(" ", 1)
                name = f"{first} {initial}. {last}"
            if name not in taken:
                taken.add(name)
                return name
    raise ValueError("the demo ran out of names")


@transaction.atomic
def seed_network(stdout=None) -> dict:
    """Create or refresh the demo network; returns counts of what exists afterwards."""
    rng = random.Random(2026)
    regions = {
        code: Region.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in REGIONS
    }
    countries = {
        code: Country.objects.update_or_create(
            code=code, defaults={"name": name, "region": regions[region]}
        )[0]
        for code, name, region in COUNTRIES
    }
    languages = {
        code: Language.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in LANGUAGES
    }
    areas = [
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "kind": Topic.Kind.AREA})[
            0
        ]
        for slug, name in CBRN_AREAS
    ]
    for slug, name in CBRN_CATEGORIES:
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": Topic.Kind.CATEGORY}
        )
    agencies: dict[str, Agency] = {}
    for code, name, acronym, country, kind, parent in AGENCIES:
        agencies[code] = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "acronym": acronym,
                "country": countries[country],
                "kind": kind,
                "parent": agencies.get(parent) if parent else None,
                "description": f"{name}: {dict(Agency.Kind.choices)[kind].lower()} in {countries[country].name}.",
            },
        )[0]

    User = get_user_model()
    for username, full_name, agency_code, role, staff in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@frontline.example",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        # A new hash would change the session hash and sign everyone out at every `make run`.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if username in DEMO_TOTP_ACCOUNTS:
            TOTPDevice.objects.update_or_create(
                user=user,
                name=TOTP_NAME,
                defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
            )
        if agency_code is None:
            continue
        agency = agencies[agency_code]
        expert, _ = Expert.objects.update_or_create(
            user=user,
            defaults={
                "full_name": full_name,
                "country": agency.country,
                "position": rng.choice(POSITIONS[agency.kind]),
                "timezone": "Europe/Belgrade" if agency.country.code == "RS" else "UTC",
                "email_verified": DEMO_EMAIL_VERIFIED,
            },
        )
        expert.languages.set([languages["en"], languages[NATIVE_LANGUAGE[agency.country.code]]])
        expert.topics.set(areas[:3])
        Membership.objects.update_or_create(
            expert=expert,
            agency=agency,
            defaults={
                "role": role or Membership.Role.MEMBER,
                "status": Membership.Status.APPROVED if role else Membership.Status.PENDING,
            },
        )

    agency_list = list(agencies.values())
    taken = {account[1] for account in DEMO_ACCOUNTS}
    for i in range(1, EXPERT_COUNT + 1):
        agency = agency_list[(i * 7) % len(agency_list)]
        full_name = unique_demo_name(rng, NAMES[agency.country.code], taken)
        user, _ = User.objects.update_or_create(
            username=f"expert{i:03d}", defaults={"email": f"expert{i:03d}@frontline.example"}
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        expert, _ = Expert.objects.update_or_create(
            user=user,
            defaults={
                "full_name": full_name,
                "position": rng.choice(POSITIONS[agency.kind]),
                "country": agency.country,
                "is_trainer": rng.random() < 0.25,
                "bio": f"{full_name} works at {agency.name} on front-line biosafety and biosecurity.",
                "contact_visibility": rng.choice(list(Expert.ContactVisibility.values)),
                "phone": f"+{CALLING_CODES[agency.country.code]} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "email_verified": DEMO_EMAIL_VERIFIED,
            },
        )
        langs = {
            "en",
            "ru" if agency.country.region.code != "EU" else "en",
            NATIVE_LANGUAGE[agency.country.code],
        }
        expert.languages.set([languages[code] for code in sorted(langs)])
        expert.topics.set(rng.sample(areas, 3))
        Membership.objects.update_or_create(
            expert=expert,
            agency=agency,
            defaults={"role": Membership.Role.MEMBER, "status": Membership.Status.APPROVED},
        )
    return {
        "regions": Region.objects.count(),
        "countries": Country.objects.count(),
        "agencies": Agency.objects.count(),
        "experts": Expert.objects.count(),
    }
