"""The front-line indicator framework, after the WHO JEE / IHR State Party self-assessment
(five levels each). Loaded by migration ``0002_seed_framework``; kept here so the demo and
tests use the same list. English only: the wording is the framework's, as published."""

from __future__ import annotations

FRAMEWORK: list[dict] = [
    {
        "code": "legal-framework",
        "title": "Legal and regulatory framework",
        "description": "Laws and regulations give front-line agencies the mandate and powers to act on biological threats at points of entry.",
        "levels": [
            "No legislation addresses biological threats at points of entry.",
            "Some provisions exist but are fragmented or outdated; mandates overlap or are missing.",
            "A legal basis exists for the main agencies; secondary regulations are being drafted.",
            "Laws and secondary regulations are in force and applied; gaps have been reviewed.",
            "The framework is reviewed regularly, aligned with the IHR and EU law, and enforced.",
        ],
    },
    {
        "code": "coordination-poe",
        "title": "Inter-agency coordination at points of entry",
        "description": "Border police, customs, public-health, veterinary and laboratory services act together at crossings.",
        "levels": [
            "Agencies at the crossing do not coordinate on biological incidents.",
            "Coordination is informal and depends on individuals.",
            "A coordination mechanism and contact points are defined on paper.",
            "The mechanism is used in real events and exercises; roles are known.",
            "Coordination is routine, tested every year and improved after each event.",
        ],
    },
    {
        "code": "detection-sampling",
        "title": "Detection, sampling and rapid bio-testing",
        "description": "Front-line staff can recognise a suspect item, take a sample safely and run a rapid test.",
        "levels": [
            "No capacity to detect or sample suspect biological material at the crossing.",
            "Detection relies on visual checks; sampling is improvised.",
            "Sampling SOPs and basic rapid tests exist at main crossings.",
            "Trained staff sample and test at most crossings, with quality checks.",
            "Detection and sampling are available at all crossings, audited and improved.",
        ],
    },
    {
        "code": "biosafety-biosecurity",
        "title": "Biosafety and biosecurity at the crossing",
        "description": "Handling, storage and protection of staff and material follow biosafety and biosecurity rules.",
        "levels": [
            "No biosafety or biosecurity measures at the crossing.",
            "Some protective measures, not based on a risk assessment.",
            "Risk-based measures are defined for the main crossings.",
            "Measures are applied and inspected; incidents are reported.",
            "A biorisk management system is in place and reviewed.",
        ],
    },
    {
        "code": "specimen-referral",
        "title": "Laboratory referral and transport of specimens",
        "description": "Samples reach a reference laboratory safely, quickly and with chain of custody.",
        "levels": [
            "No arrangement to send samples from the crossing to a laboratory.",
            "Samples are sent ad hoc, without packaging or chain of custody rules.",
            "A referral route and packaging rules exist for the main crossings.",
            "Specimens reach the reference laboratory within the agreed time, tracked.",
            "Referral is tested regularly, including cross-border, and meets targets.",
        ],
    },
    {
        "code": "decontamination",
        "title": "Decontamination",
        "description": "People, vehicles, goods and premises can be decontaminated after an incident.",
        "levels": [
            "No decontamination capacity at or near the crossing.",
            "Decontamination depends on outside services with no agreement.",
            "Procedures and equipment exist for the main crossings.",
            "Decontamination has been exercised and works within the agreed time.",
            "Capacity is maintained, exercised yearly and shared across the border.",
        ],
    },
    {
        "code": "ppe-stockpiles",
        "title": "Stockpiles of PPE and disposables",
        "description": "Personal protective equipment and disposables are stocked, in date and reachable.",
        "levels": [
            "No stock of PPE or disposables for biological incidents.",
            "Small or expired stocks, not managed.",
            "Stocks are defined and held at main crossings.",
            "Stocks are managed, rotated and checked against needs.",
            "Stock levels are planned nationally, monitored and replenished on time.",
        ],
    },
    {
        "code": "trained-staff",
        "title": "Trained staff",
        "description": "Front-line staff are trained for their role in a biological incident.",
        "levels": [
            "Staff have no training on biological threats.",
            "A few staff trained once, with no follow-up.",
            "A training programme exists; most key posts have trained staff.",
            "Staff are trained and refreshed; national trainers deliver courses.",
            "Training is institutionalised in the agencies' curricula and evaluated.",
        ],
    },
    {
        "code": "trainings-exercises",
        "title": "Trainings and exercises held",
        "description": "Table-top and field exercises test plans and procedures, nationally and across borders.",
        "levels": [
            "No exercises have been held.",
            "Occasional exercises, without after-action review.",
            "Exercises are planned; after-action reports are written.",
            "Regular exercises, including cross-border; corrective actions are followed up.",
            "A multi-year exercise programme drives improvements in plans and SOPs.",
        ],
    },
]


def seed_framework(Indicator) -> int:
    """Create the framework's indicators that do not exist yet (by code)."""
    created = 0
    for order, item in enumerate(FRAMEWORK, start=1):
        levels = {f"level_{n}": text for n, text in enumerate(item["levels"], start=1)}
        _obj, new = Indicator.objects.get_or_create(
            code=item["code"],
            defaults={
                "title": item["title"],
                "description": item["description"],
                "order": order * 10,
                **levels,
            },
        )
        created += new
    return created
