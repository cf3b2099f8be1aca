"""A year of trainings and exercises across SEEE and Central Asia, through the services.

Loaded by ``seed_demo`` after the network and the procedures. Deterministic and safe to
run again: it does nothing once its first activity exists. What it makes:

* a regional train-the-trainer course (Belgrade, February) whose 12 graduates become
  trainers; national workshops those trainers ran; a national train-the-trainer course
  in Kazakhstan run by one of them, whose graduates ran workshops in turn (three levels);
* national table-top exercises (Serbia, Georgia, Kyrgyzstan);
* a cross-border field exercise at the Leușeni–Albița crossing (Moldova–Romania) with a
  final after-action report: strengths, areas for improvement, corrective actions, one of
  them a change request on the Moldovan border police's bus procedure that the revision
  2.0 addressed and closed (and the exercise, trained on 1.0, is now flagged stale);
* upcoming activities open for registration, the demo "member" registered for one.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from network.models import Agency, Country, Expert, Language, Membership, Topic
from sops import services as sop_services
from sops.demo import demo_publisher
from sops.models import SOP, SOPVersion
from training import services
from training.models import Activity, CorrectiveAction, Registration, TrainerQualification

D = datetime.date
FIRST_TITLE = "Regional train-the-trainer course: biosafety at points of entry"


def _staff():
    return get_user_model().objects.get(username="staff")


def _publisher(code: str):
    if code == "rs-batut":
        return get_user_model().objects.get(username="publisher")
    return demo_publisher(Agency.objects.get(code=code))


def _version(agency: str, reference: str) -> SOPVersion | None:
    sop = (
        SOP.objects.filter(agency__code=agency, reference=reference)
        .select_related("current_version")
        .first()
    )
    return sop.current_version if sop else None


def _experts(country: str, n: int, rng: random.Random, exclude=()) -> list[Expert]:
    pool = list(
        Expert.objects.filter(country__code=country, memberships__status=Membership.Status.APPROVED)
        .exclude(pk__in=[e.pk for e in exclude])
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(pool)
    return pool[:n]


def _activity(
    code: str,
    *,
    title,
    kind,
    scope,
    starts,
    days=1,
    place,
    topics=(),
    agencies=(),
    countries=(),
    versions=(),
    capacity=None,
    trainer=None,
    description="",
    language="en",
    online=False,
    opens=None,
    closes=None,
):
    by = _publisher(code)
    organiser = Agency.objects.get(code=code)
    activity = services.activity_create(
        by=by,
        organiser=organiser,
        title=title,
        kind=kind,
        scope=scope,
        starts=starts,
        ends=starts + datetime.timedelta(days=days - 1),
        place=place,
        online=online,
        description=description,
        language=Language.objects.filter(code=language).first(),
        capacity=capacity,
        registration_opens=opens,
        registration_closes=closes,
        trainer_qualification=trainer,
        topics=list(Topic.objects.filter(slug__in=topics)),
        agencies=list(Agency.objects.filter(code__in=agencies)),
        countries=list(Country.objects.filter(code__in=countries or [organiser.country.code])),
        sop_versions=[v for v in versions if v is not None],
    )
    services.activity_publish(by=by, activity=activity)
    return activity, by


def _attend(activity: Activity, by, experts, *, complete=True) -> list[Registration]:
    done = []
    for expert in experts:
        registration = services.registration_add(
            by=by, activity=activity, expert=expert, announce=False
        )
        status = Registration.Status.COMPLETED if complete else Registration.Status.ATTENDED
        done.append(services.registration_mark(by=by, registration=registration, status=status))
    return done


def _qualification(expert: Expert, course: Activity) -> TrainerQualification:
    return TrainerQualification.objects.filter(expert=expert, course=course).order_by("pk").first()


def seed_training() -> dict:
    """Load the demo year (after ``seed_network`` and ``seed_sops``); returns counts."""
    if not Activity.objects.filter(title=FIRST_TITLE).exists():
        with transaction.atomic():
            _seed(random.Random(2026))
    return {
        "activities": Activity.objects.count(),
        "attendances": Registration.objects.filter(status__in=Registration.REACHED).count(),
        "trainers": TrainerQualification.objects.values("expert").distinct().count(),
        "corrective actions": CorrectiveAction.objects.count(),
    }


def _seed(rng: random.Random) -> None:
    tot_sop = _version("rs-batut", "BATUT-TR-001")
    bus_sop = _version("md-bp", "IGPF-BIO-001")
    kz_sop = _version("kz-ncph", "NCPH-KZ-001")
    suspected = _version("rs-bp", "UGP-BIO-001") or _version("rs-bp", "BP-BIO-001")

    # Level 0: the regional course; 12 graduates from six countries become trainers.
    course, by = _activity(
        "rs-batut",
        title=FIRST_TITLE,
        kind="ttt",
        scope="regional",
        starts=D(2026, 2, 9),
        days=3,
        place="Belgrade, Institute of Public Health",
        topics=["biosafety-biosecurity"],
        agencies=["rs-bp", "md-bp", "ua-dpsu", "ge-ncdc", "kz-ncph", "kg-bs", "al-bp"],
        countries=["RS", "MD", "UA", "GE", "KZ", "KG", "AL"],
        versions=[tot_sop],
        capacity=24,
        description="Three days: the course plan, adult learning, each trainee teaches a session.",
    )
    graduates = []
    for country in ("MD", "UA", "GE", "KZ", "KG", "AL"):
        graduates += [(country, e) for e in _experts(country, 2, rng)]
    _attend(course, by, [e for _c, e in graduates])

    # Level 1: each first graduate of a country runs a national workshop for their agency.
    agency_of = {
        "MD": "md-bp",
        "UA": "ua-dpsu",
        "GE": "ge-ncdc",
        "KZ": "kz-ncph",
        "KG": "kg-bs",
        "AL": "al-bp",
    }
    place_of = {
        "MD": "Chișinău",
        "UA": "Kyiv",
        "GE": "Tbilisi",
        "KZ": "Almaty",
        "KG": "Bishkek",
        "AL": "Tirana",
    }
    month = 4
    kz_trainer = None
    for country, expert in graduates[::2]:
        q = _qualification(expert, course)
        workshop, wby = _activity(
            agency_of[country],
            title=f"National workshop: biosafety at the border ({place_of[country]})",
            kind="workshop",
            scope="national",
            starts=D(2026, month, 14),
            days=2,
            place=place_of[country],
            topics=["biosafety-biosecurity"],
            versions=[tot_sop],
            trainer=q,
            language="ru" if country in ("KZ", "KG") else "en",
        )
        people = _experts(country, rng.randint(8, 14), rng, exclude=[expert])
        _attend(workshop, wby, people)
        month += 1
        if country == "KZ":
            kz_trainer = (expert, q)

    # Level 2: a national train-the-trainer course in Kazakhstan by the regional graduate;
    # its graduates ran workshops of their own (level 3).
    if kz_trainer:
        expert, q = kz_trainer
        national, nby = _activity(
            "kz-ncph",
            title="Национальный курс подготовки инструкторов: биобезопасность в пунктах пропуска",
            kind="ttt",
            scope="national",
            starts=D(2026, 9, 7),
            days=3,
            place="Астана",
            topics=["biosafety-biosecurity"],
            versions=[kz_sop],
            trainer=q,
            language="ru",
        )
        new_trainers = _experts("KZ", 4, rng, exclude=[expert])
        _attend(national, nby, new_trainers)
        for i, trainer in enumerate(new_trainers[:2]):
            tq = _qualification(trainer, national)
            city = ("Шымкент", "Караганда")[i]
            w, wby = _activity(
                "kz-ncph",
                title=f"Семинар для сотрудников пункта пропуска ({city})",
                kind="workshop",
                scope="national",
                starts=D(2026, 10, 12 + 7 * i),
                place=city,
                topics=["biosafety-biosecurity"],
                versions=[kz_sop],
                trainer=tq,
                language="ru",
            )
            _attend(w, wby, _experts("KZ", 6, rng, exclude=[trainer, expert]))

    # National table-top exercises.
    for code, country, title, starts, place, version in (
        (
            "rs-bp",
            "RS",
            "National table-top exercise: suspected biological substance at Batrovci",
            D(2026, 3, 18),
            "Belgrade, Border Police Administration",
            suspected,
        ),
        (
            "ge-ncdc",
            "GE",
            "National table-top exercise: a sick traveller at Tbilisi airport",
            D(2026, 5, 20),
            "Tbilisi, NCDC",
            None,
        ),
        (
            "kg-bs",
            "KG",
            "Национальное командно-штабное учение: подозрительный груз на КПП «Ак-Жол»",
            D(2026, 6, 24),
            "Бишкек",
            None,
        ),
    ):
        tabletop, tby = _activity(
            code,
            title=title,
            kind="tabletop",
            scope="national",
            starts=starts,
            place=place,
            topics=["crisis-management", "first-response"],
            versions=[version],
            countries=[country],
            language="ru" if country == "KG" else "en",
        )
        _attend(tabletop, tby, _experts(country, 8, rng), complete=False)

    # The cross-border field exercise and its after-action report.
    exercise, eby = _activity(
        "md-bp",
        title="Cross-border field exercise at the Leușeni–Albița crossing",
        kind="field",
        scope="cross_border",
        starts=D(2026, 9, 23),
        days=2,
        place="Leușeni–Albița border crossing (MD–RO)",
        topics=["first-response", "border-control", "public-health-mitigation"],
        agencies=["md-ansp", "ro-igpf"],
        countries=["MD", "RO"],
        versions=[bus_sop],
        capacity=40,
        description="A bus with a passenger showing signs of a dangerous infection reaches the crossing.",
    )
    _attend(exercise, eby, _experts("MD", 10, rng) + _experts("RO", 4, rng), complete=False)
    report = services.report_save(
        by=eby,
        activity=exercise,
        final=True,
        summary="The joint response worked; isolation on the bus and the hand-over to public health were slow.",
    )
    services.observation_add(
        by=eby,
        report=report,
        capability="Operational coordination",
        kind="strength",
        text="Both border police services shared one radio channel within ten minutes.",
    )
    slow = services.observation_add(
        by=eby,
        report=report,
        capability="Isolation and hand-over",
        kind="improvement",
        text="Officers waited 35 minutes for the public-health team before isolating the passenger.",
    )
    kit = services.observation_add(
        by=eby,
        report=report,
        capability="Equipment",
        kind="improvement",
        text="The crossing had no spill kit for the bus interior.",
    )
    md_bp = Agency.objects.get(code="md-bp")
    change = services.action_add(
        by=eby,
        observation=slow,
        title="Let officers isolate the passenger before public health arrives",
        owner=md_bp,
        due=D(2026, 11, 30),
        sop=bus_sop.sop if bus_sop else None,
    )
    services.action_add(
        by=eby,
        observation=kit,
        title="Stock a spill kit at each bus lane",
        owner=md_bp,
        due=D(2026, 11, 15),
    )
    if bus_sop:
        # The change request became revision 2.0 of the bus procedure, which closed it.
        staff = _staff()
        draft = sop_services.version_start_revision(sop=bus_sop.sop, by=staff, change_kind="major")
        services.action_address(by=staff, action=change, version=draft)
        sop_services.version_update(
            version=draft,
            by=staff,
            expected_edit_count=None,
            body=draft.body + "\n\n## Isolating before public health arrives\n\n"
            "Move the passenger to the front seats, keep two rows empty, and keep the doors closed.\n",
            change_summary="After the Leușeni–Albița exercise: officers isolate the passenger at once.",
        )
        sop_services.version_publish(version=draft, by=eby)

    # Upcoming: open for registration.
    for code, title, kind, scope, starts, place in (
        (
            "ua-phc",
            "Awareness day: biological threats at points of entry",
            "awareness",
            "national",
            D(2027, 2, 10),
            "Kyiv",
        ),
        (
            "rs-batut",
            "Sub-regional table-top exercise: an outbreak across the Western Balkans",
            "tabletop",
            "sub_regional",
            D(2027, 3, 16),
            "Skopje",
        ),
        (
            "kz-ncph",
            "Regional conference on biosafety at borders, Central Asia",
            "conference",
            "regional",
            D(2027, 5, 19),
            "Almaty",
        ),
        (
            "rs-batut",
            "Online training: triple packaging of infectious substances",
            "training",
            "regional",
            D(2027, 1, 26),
            "",
        ),
    ):
        _activity(
            code,
            title=title,
            kind=kind,
            scope=scope,
            starts=starts,
            place=place,
            online=not place,
            topics=["biosafety-biosecurity"],
            capacity=30,
            opens=D(2026, 11, 1),
            closes=starts,
        )
    member = get_user_model().objects.filter(username="member").first()
    sub = Activity.objects.filter(title__startswith="Sub-regional table-top").first()
    if member and sub:
        services.registration_add(by=_publisher("rs-batut"), activity=sub, expert=member.expert)
