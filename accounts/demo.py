"""Demo people and organisations for `manage.py seed_demo` (idempotent). Fictional names,
reserved .example domains, nothing real."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .mfa import totp_enrol, user_has_totp
from .models import (
    Agency,
    AgencyDomain,
    Country,
    Profession,
    Supervision,
    Unit,
    User,
    WellbeingCoverage,
)

DEMO_PASSWORD = "demo-training-2026"  # noqa: S105 - printed for the local demo on purpose

COUNTRIES = [("FR", "France", "France"), ("BE", "Belgium", "Belgique")]

AGENCIES: list[tuple[str, str, str, str, list[tuple[str, list[str]]]]] = [
    # name, short name, country, domain, units (parent, child)
    (
        "Northshire Police Service",
        "NPS",
        "FR",
        "nps.example",
        [
            (
                "Online Child Protection Unit",
                ["Victim Identification Team", "Undercover Online Team"],
            ),
            ("Digital Forensics Unit", []),
        ],
    ),
    (
        "Northshire Public Prosecution Office",
        "NPPO",
        "FR",
        "nppo.example",
        [("Child Protection Prosecution Team", [])],
    ),
    ("Westmark Federal Police", "WFP", "BE", "wfp.example", [("Online Exploitation Squad", [])]),
]

# email, name, agency short name, unit name, profession code, global groups, language
PEOPLE: list[tuple[str, str, str | None, str | None, str, list[str], str]] = [
    ("admin@platform.example", "Pat Platform", None, None, "trainer", ["platform_admin"], "en"),
    (
        "agency.admin@nps.example",
        "Alex Martin",
        "NPS",
        None,
        "police-investigator",
        ["agency_admin"],
        "en",
    ),
    (
        "trainer@nps.example",
        "Tess Laurent",
        "NPS",
        "Online Child Protection Unit",
        "trainer",
        ["trainer"],
        "en",
    ),
    (
        "analyst@nps.example",
        "Ana Moreau",
        "NPS",
        "Digital Forensics Unit",
        "forensic-examiner",
        ["trends_analyst"],
        "fr",
    ),
    (
        "supervisor@nps.example",
        "Sam Dubois",
        "NPS",
        "Online Child Protection Unit",
        "police-investigator",
        [],
        "en",
    ),
    ("wellbeing@nps.example", "Wren Petit", "NPS", None, "victim-support", [], "en"),
    (
        "officer@nps.example",
        "Olivia Bernard",
        "NPS",
        "Victim Identification Team",
        "police-investigator",
        [],
        "en",
    ),
    (
        "examiner@nps.example",
        "Eli Garnier",
        "NPS",
        "Digital Forensics Unit",
        "forensic-examiner",
        [],
        "fr",
    ),
    (
        "undercover@nps.example",
        "Noah Lefevre",
        "NPS",
        "Undercover Online Team",
        "police-investigator",
        [],
        "en",
    ),
    (
        "prosecutor@nppo.example",
        "Paula Roux",
        "NPPO",
        "Child Protection Prosecution Team",
        "prosecutor",
        [],
        "fr",
    ),
    ("judge@nppo.example", "Jules Fontaine", "NPPO", None, "judge", [], "fr"),
    (
        "investigator@wfp.example",
        "Ines Janssens",
        "WFP",
        "Online Exploitation Squad",
        "police-investigator",
        [],
        "en",
    ),
    (
        "childprotection@wfp.example",
        "Chris Peeters",
        "WFP",
        "Online Exploitation Squad",
        "child-protection",
        [],
        "fr",
    ),
]

PENDING = [("newcomer@nps.example", "Nico Newcomer", "NPS")]


def _unit(agency: Agency, name: str, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.filter(agency=agency, name=name, parent=parent).first()
    return unit or Unit.objects.create(agency=agency, name=name, parent=parent)


def _person(email, name, agency, unit, profession_code, status) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=name,
            agency=agency,
            unit=unit,
            profession=Profession.objects.filter(code=profession_code).first(),
            vetting_status=status,
            vetted_at=timezone.now() if status == User.Vetting.APPROVED else None,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed_people(stdout=None) -> dict[str, User]:
    countries = {}
    for code, name, name_fr in COUNTRIES:
        countries[code], _ = Country.objects.get_or_create(
            code=code, defaults={"name": name, "name_fr": name_fr}
        )
    agencies: dict[str, Agency] = {}
    units: dict[str, Unit] = {}
    for name, short, country, domain, unit_tree in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=name, defaults={"short_name": short, "country": countries[country]}
        )
        AgencyDomain.objects.get_or_create(domain=domain, defaults={"agency": agency})
        agencies[short] = agency
        for parent_name, children in unit_tree:
            parent = units[parent_name] = _unit(agency, parent_name)
            for child in children:
                units[child] = _unit(agency, child, parent)

    people: dict[str, User] = {}
    for email, name, agency_short, unit_name, profession, groups, language in PEOPLE:
        person_agency = agencies.get(agency_short) if agency_short else None
        person_unit = units.get(unit_name) if unit_name else None
        user = _person(email, name, person_agency, person_unit, profession, User.Vetting.APPROVED)
        if user.preferred_language != language:
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        for group in groups:
            user.groups.add(Group.objects.get(name=group))
        if "platform_admin" in groups and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        people[email] = user
    for email, name, short in PENDING:
        people[email] = _person(
            email, name, agencies[short], None, "police-investigator", User.Vetting.PENDING
        )

    Supervision.objects.get_or_create(
        supervisor=people["supervisor@nps.example"], unit=units["Online Child Protection Unit"]
    )
    WellbeingCoverage.objects.get_or_create(
        lead=people["wellbeing@nps.example"], agency=agencies["NPS"]
    )
    WellbeingCoverage.objects.get_or_create(
        lead=people["wellbeing@nps.example"], agency=agencies["NPPO"]
    )

    from .roles import user_requires_mfa

    for user in people.values():
        user.__dict__.pop("_lms_roles", None)
        if user_requires_mfa(user) and not user_has_totp(user):
            totp_enrol(user)
    return people
