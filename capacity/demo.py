"""Demo capacities: the framework, two years of validated country assessments for most
partner countries, needs of each kind (some met by demo deliveries or regulations), and a
regulations register with titles in the original languages.

Deterministic (a random generator seeded per country) and safe to run again: what exists
(by country and year, by item and date, by title) is left as it is. Written through the
services, as staff, so the demo is audited and announced like real data.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from capacity import services
from capacity.framework import seed_framework
from capacity.models import (
    TLP,
    Assessment,
    EquipmentDelivery,
    Indicator,
    Need,
    Regulation,
)
from network.models import Agency, Country

YEARS = (2024, 2025)
# Most partner countries: Mongolia and Azerbaijan have not assessed yet.
SKIPPED = {"MN", "AZ"}
LABELS = {"RS": TLP.AMBER, "UA": TLP.AMBER_STRICT, "TJ": TLP.RED, "KG": TLP.CLEAR, "MD": TLP.CLEAR}
NEED_KIND = {
    "legal-framework": Need.Kind.LEGAL,
    "coordination-poe": Need.Kind.PROCEDURE,
    "detection-sampling": Need.Kind.EQUIPMENT,
    "biosafety-biosecurity": Need.Kind.EQUIPMENT,
    "specimen-referral": Need.Kind.PROCEDURE,
    "decontamination": Need.Kind.EQUIPMENT,
    "ppe-stockpiles": Need.Kind.EQUIPMENT,
    "trained-staff": Need.Kind.STAFFING,
    "trainings-exercises": Need.Kind.TRAINING,
}
NEED_TITLE = {
    "legal-framework": "By-law on sampling powers of border staff",
    "coordination-poe": "Joint SOP for suspect consignments at the crossing",
    "detection-sampling": "Rapid bio-testing kits and an RT-PCR machine",
    "biosafety-biosecurity": "Safety-cabinet testing and certification",
    "specimen-referral": "Specimen transport agreement with the reference laboratory",
    "decontamination": "Flexible-film isolator and decontamination kit",
    "ppe-stockpiles": "PPE stock for 200 staff for 30 days",
    "trained-staff": "Two biosafety officers at the main crossings",
    "trainings-exercises": "Cross-border table-top exercise",
}
JUSTIFICATIONS = {
    1: "Not in place; confirmed during the site visit.",
    2: "Partly in place at the main crossing only; no written procedure.",
    3: "Defined on paper and available at the main crossings.",
    4: "Applied and checked in the last exercise; minor gaps noted.",
    5: "Routine, reviewed every year and improved after each exercise.",
}
# (item, category, unit value in EUR, quantity)
EQUIPMENT = [
    ("Real-time PCR system, 96 wells", EquipmentDelivery.Category.RT_PCR, 38500, 1),
    ("Portable nanopore genome sequencer", EquipmentDelivery.Category.SEQUENCER, 21000, 1),
    ("Biosafety-cabinet airflow testing kit", EquipmentDelivery.Category.CABINET_TESTING, 9800, 2),
    ("Flexible-film isolator", EquipmentDelivery.Category.ISOLATOR, 27500, 1),
    ("PPE set (coverall, FFP3, gloves, goggles)", EquipmentDelivery.Category.PPE, 45, 400),
    ("Rapid antigen diagnostic kits, box of 25", EquipmentDelivery.Category.DIAGNOSTIC, 180, 60),
    (
        "Decontamination shower and sprayer kit",
        EquipmentDelivery.Category.DECONTAMINATION,
        14200,
        1,
    ),
]
REGULATIONS = [
    ("RS", "sr", "law", "2016-04-05", "Закон о заштити становништва од заразних болести",
     "Law on the Protection of the Population from Infectious Diseases"),
    ("RS", "sr", "law", "2005-06-01", "Закон о ветеринарству", "Law on Veterinary Matters"),
    ("AL", "sq", "law", "2016-03-10",
     "Ligji nr. 15/2016 për parandalimin dhe luftimin e infeksioneve dhe sëmundjeve infektive",
     "Law No. 15/2016 on the prevention and control of infections and infectious diseases"),
    ("MK", "mk", "law", "2004-07-01", "Закон за заштита на населението од заразни болести",
     "Law on the Protection of the Population from Infectious Diseases"),
    ("MD", "ro", "law", "2009-02-03", "Legea nr. 10/2009 privind supravegherea de stat a sănătății publice",
     "Law No. 10/2009 on state supervision of public health"),
    ("UA", "uk", "law", "1994-02-24",
     "Закон України «Про забезпечення санітарного та епідемічного благополуччя населення»",
     "Law of Ukraine on ensuring the sanitary and epidemic well-being of the population"),
    ("GE", "ka", "law", "2007-06-27", "საქართველოს კანონი საზოგადოებრივი ჯანმრთელობის შესახებ",
     "Law of Georgia on Public Health"),
    ("AM", "hy", "law", "1992-11-16", "Բնակչության սանիտարահամաճարակային անվտանգության ապահովման մասին օրենք",
     "Law on ensuring the sanitary and epidemiological safety of the population"),
    ("KZ", "ru", "law", "2020-07-07", "Кодекс Республики Казахстан «О здоровье народа и системе здравоохранения»",
     "Code of the Republic of Kazakhstan on public health and the healthcare system"),
    ("KG", "ru", "law", "2009-07-24", "Закон Кыргызской Республики «Об общественном здравоохранении»",
     "Law of the Kyrgyz Republic on public health"),
    ("UZ", "uz", "law", "2015-08-26",
     "Aholining sanitariya-epidemiologik osoyishtaligi to‘g‘risida O‘zbekiston Respublikasining Qonuni",
     "Law of the Republic of Uzbekistan on the sanitary and epidemiological well-being of the population"),
    ("TJ", "tg", "law", "2003-12-08", "Қонуни Ҷумҳурии Тоҷикистон «Дар бораи таъмини амнияти санитарию эпидемиологии аҳолӣ»",
     "Law of the Republic of Tajikistan on the sanitary and epidemiological safety of the population"),
    ("BA", "bs", "law", "2010-01-01", "Zakon o zaštiti stanovništva od zaraznih bolesti",
     "Law on the Protection of the Population from Infectious Diseases"),
    ("ME", "sr", "law", "2017-12-25", "Zakon o zaštiti stanovništva od zaraznih bolesti",
     "Law on the Protection of the Population from Infectious Diseases"),
    ("GE", "ka", "order", "2021-03-15", "ბრძანება საზღვარზე ბიოლოგიური ნიმუშების აღების წესის შესახებ",
     "Order on the taking of biological samples at the border (draft)"),
]  # fmt: skip


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def seed_capacity() -> dict:
    """Load the demo capacities (after ``seed_network`` and ``seed_sops``)."""
    seed_framework(Indicator)
    staff = _user("staff")
    if staff is None:
        return {"assessments": 0}
    regulations = _seed_regulations(staff)
    indicators = list(Indicator.objects.filter(retired__isnull=True))
    countries = Country.objects.filter(region__code__in=("SEEE", "CA")).exclude(code__in=SKIPPED)
    for country in countries.order_by("code"):
        agencies = list(Agency.objects.filter(country=country).order_by("code"))
        if agencies:
            _seed_country(country, agencies, indicators, staff, regulations)
    seed_draft()
    return {
        "indicators": Indicator.objects.count(),
        "assessments": Assessment.objects.count(),
        "needs": Need.objects.count(),
        "deliveries": EquipmentDelivery.objects.count(),
        "regulations": Regulation.objects.count(),
    }


def _seed_regulations(staff) -> dict[str, Regulation]:
    legal = Indicator.objects.filter(code="legal-framework").first()
    by_country: dict[str, Regulation] = {}
    for country, language, kind, date, original, english in REGULATIONS:
        if not Country.objects.filter(code=country).exists():
            continue
        reg = Regulation.objects.filter(country_id=country, title_original=original).first()
        if reg is None:
            with transaction.atomic():
                reg = services.regulation_save(
                    by=staff, country_id=country, language_id=language, kind=kind,
                    date=datetime.date.fromisoformat(date), title_original=original,
                    title_en=english,
                    status=Regulation.Status.DRAFT if "(draft)" in english else Regulation.Status.IN_FORCE,
                    indicators=[legal] if legal else [],
                )  # fmt: skip
        by_country.setdefault(country, reg)
    return by_country


def _seed_country(country, agencies, indicators, staff, regulations) -> None:
    rng = random.Random(f"capacity-{country.code}")
    # Serbia's is led by the demo editor's institute, so the demo accounts can work on it.
    lead = next((a for a in agencies if a.code == "rs-batut"), agencies[0])
    tlp = LABELS.get(country.code, TLP.GREEN)
    editor, outsider = _user("editor"), _user("outsider")
    by = editor if country.code == "RS" and editor else staff
    reviewer = outsider if country.code == "RS" and outsider else staff
    named = [u for u in (editor, outsider, staff) if u] if tlp == TLP.RED else []
    partners = list(Agency.objects.filter(code="ua-phc")) if tlp == TLP.AMBER else []
    base = {i.code: max(1, min(4, rng.randint(1, 4) + rng.choice((-1, 0, 0)))) for i in indicators}
    for n, year in enumerate(YEARS):
        if Assessment.objects.filter(country=country, year=year, scope="country").exists():
            continue
        with transaction.atomic():
            a = services.assessment_start(
                by=by, lead_agency=lead, year=year, tlp=tlp, scope=Assessment.Scope.COUNTRY,
                agencies=[lead, *agencies[:2]], partner_agencies=partners, named_people=named,
                summary=f"Self-assessment of {country.name}'s front-line capacities, {year}.",
            )  # fmt: skip
            for i in indicators:
                level = base[i.code]
                if n:  # the second year: mostly steady, often better, sometimes worse
                    level = max(1, min(5, level + rng.choice((0, 0, 1, 1, -1))))
                    base[i.code] = level
                services.score_set(
                    by=by,
                    assessment=a,
                    indicator=i,
                    level=level,
                    justification=JUSTIFICATIONS[level],
                )
            if n:
                _seed_needs(
                    a, indicators, base, by, staff, lead, rng, regulations.get(country.code)
                )
            services.assessment_submit(by=by, assessment=a, reviewer=reviewer)
            services.assessment_validate(by=reviewer, assessment=a, comment="Evidence checked.")


def seed_draft() -> None:
    """Serbia's 2026 assessment, started by the demo editor from 2025 and not submitted."""
    editor = _user("editor")
    lead = Agency.objects.filter(code="rs-batut").first()
    if editor and lead and not Assessment.objects.filter(country_id="RS", year=2026).exists():
        with transaction.atomic():
            services.assessment_start(
                by=editor, lead_agency=lead, year=2026, tlp=TLP.AMBER, scope=Assessment.Scope.COUNTRY,
                partner_agencies=list(Agency.objects.filter(code="ua-phc")),
            )  # fmt: skip


def _seed_needs(a, indicators, levels, by, staff, lead, rng, regulation) -> None:
    low = [i for i in indicators if levels[i.code] <= 2] or indicators[:2]
    for i in low[:4]:
        kind = NEED_KIND.get(i.code, Need.Kind.PROCEDURE)
        need = services.need_add(
            by=by, assessment=a, kind=kind, title=NEED_TITLE.get(i.code, i.title), indicator=i,
            priority=Need.Priority.HIGH if levels[i.code] == 1 else Need.Priority.MEDIUM,
        )  # fmt: skip
        roll = rng.random()
        if kind == Need.Kind.EQUIPMENT and roll < 0.6:
            item, category, unit, quantity = rng.choice(EQUIPMENT)
            delivery = services.delivery_record(
                by=staff, item=item, category=category, quantity=quantity,
                value_eur=unit * quantity, recipient=lead,
                date=datetime.date(a.year, rng.randint(2, 11), rng.randint(1, 28)),
                programme="CBRN CoE Project 2 (equipment)",
            )  # fmt: skip
            services.need_mark_met(
                by=by, need=need, delivery=delivery, note="Delivered and installed."
            )
        elif kind == Need.Kind.LEGAL and regulation is not None and roll < 0.7:
            services.need_mark_met(by=by, need=need, regulation=regulation, note="Adopted.")
        elif roll < 0.4:
            services.need_set_status(by=by, need=need, status=Need.Status.PLANNED)
    # Every country plans training, whatever its scores: the programme's second activity.
    training = services.need_add(
        by=by, assessment=a, kind=Need.Kind.TRAINING, priority=Need.Priority.MEDIUM,
        title="Train-the-trainer course on sampling and rapid testing at the border",
    )  # fmt: skip
    services.need_set_status(by=by, need=training, status=Need.Status.PLANNED)
    # Deliveries that met no recorded need: the programme equips beyond the assessments too.
    item, category, unit, quantity = EQUIPMENT[rng.randrange(len(EQUIPMENT))]
    services.delivery_record(
        by=staff, item=item, category=category, quantity=quantity, value_eur=unit * quantity,
        recipient=lead, date=datetime.date(a.year - 1, rng.randint(1, 12), rng.randint(1, 28)),
        programme="CBRN CoE Project 1 (inventory)",
    )  # fmt: skip
