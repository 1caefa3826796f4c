"""Demo data for the reports: fictional colleagues in the Northshire units, with required
courses in every state, so that supervisor@nps.example and agency.admin@nps.example see a
populated matrix. Idempotent (people and enrolments are looked up before they are made).

Names are invented; the accounts cannot sign in (no usable password).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, Profession, Unit, User
from courses.models import Certificate, Course, Enrolment, LessonProgress, LessonVersion

SUPERVISOR = "supervisor@nps.example"

# email local part, name, unit name, profession code
COLLEAGUES = [
    ("a.moreau.demo", "Amelie Moreau", "Victim Identification Team", "police-investigator"),
    ("b.girard.demo", "Bastien Girard", "Victim Identification Team", "police-investigator"),
    ("c.faure.demo", "Camille Faure", "Victim Identification Team", "forensic-examiner"),
    ("d.andre.demo", "Damien Andre", "Undercover Online Team", "police-investigator"),
    ("e.mercier.demo", "Elodie Mercier", "Undercover Online Team", "police-investigator"),
    ("f.blanc.demo", "Fabien Blanc", "Undercover Online Team", "police-investigator"),
    ("g.guerin.demo", "Gaelle Guerin", "Online Child Protection Unit", "police-investigator"),
    ("h.boyer.demo", "Hugo Boyer", "Online Child Protection Unit", "child-protection"),
    ("i.garnier.demo", "Ines Garnier", "Digital Forensics Unit", "forensic-examiner"),
    ("j.chevalier.demo", "Jonas Chevalier", "Digital Forensics Unit", "forensic-examiner"),
]

# A pattern of outcomes per course, cycled over the colleagues so every state shows.
OUTCOMES = ["certified", "in_progress", "overdue", "assigned", "window_open", "expired"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def seed_reporting(stdout=None) -> None:
    agency = Agency.objects.filter(short_name="NPS").first()
    supervisor = User.objects.filter(email=SUPERVISOR).first()
    courses = list(Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title"))
    if agency is None or supervisor is None or not courses:
        _say(stdout, "reporting: run the accounts and courses seeders first\n")
        return
    with transaction.atomic():
        people = _colleagues(agency)
        made = _enrolments(people, courses, supervisor)
        _certificates(made)
        _demanding_lessons(people)
    from courses.services import enrolment_state_refresh

    enrolment_state_refresh(ids=[e.pk for e in made])
    from .services import status_counts_refresh

    status_counts_refresh()
    _say(stdout, f"reporting: {len(people)} colleagues with required courses\n")


def _colleagues(agency: Agency) -> list[User]:
    units = {u.name: u for u in Unit.objects.filter(agency=agency)}
    professions = {p.code: p for p in Profession.objects.all()}
    people: list[User] = []
    for local, name, unit_name, profession in COLLEAGUES:
        email = f"{local}@nps.example"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User(
                email=email,
                full_name=name,
                agency=agency,
                unit=units.get(unit_name),
                profession=professions.get(profession),
                vetting_status=User.Vetting.APPROVED,
                vetted_at=timezone.now(),
                preferred_language="fr" if len(people) % 3 == 0 else "en",
            )
            person.set_unusable_password()
            person.save()
        people.append(person)
    return people


def _dates_for(outcome: str, today: datetime.date, n: int) -> dict:
    """Dates that make the courses services compute `outcome` (the state is theirs)."""
    day = datetime.timedelta(days=1)
    enrolled = timezone.now() - datetime.timedelta(days=40 + 25 * (n % 12))
    values: dict = {"enrolled_at": enrolled, "due_on": today + (20 + n) * day}
    if outcome == "in_progress":
        values["started_at"] = enrolled + 3 * day
    elif outcome == "overdue":
        values["due_on"] = today - (3 + n) * day
        values["started_at"] = enrolled + 2 * day
    elif outcome in ("certified", "window_open", "expired"):
        values["started_at"] = enrolled + 2 * day
        values["completed_at"] = enrolled + (10 + n % 9) * day
        values["due_on"] = (enrolled + 30 * day).date()
    return values


def _enrolments(people: list[User], courses: list[Course], supervisor: User) -> list[Enrolment]:
    today = timezone.localdate()
    made = []
    for i, person in enumerate(people):
        for j, course in enumerate(courses):
            if (i + j) % 5 == 4:
                continue  # not everyone has every course
            outcome = OUTCOMES[(i * 3 + j) % len(OUTCOMES)]
            enrolment = Enrolment.objects.filter(user=person, course=course).first()
            if enrolment is None:
                enrolment = Enrolment.objects.create(
                    user=person,
                    course=course,
                    source=Enrolment.Source.ASSIGNED if j % 2 else Enrolment.Source.RULE,
                    assigned_by=supervisor,
                    **_dates_for(outcome, today, i + j),
                )
                enrolment.demo_outcome = outcome  # type: ignore[attr-defined]
            made.append(enrolment)
    return made


def _certificates(enrolments: list[Enrolment]) -> None:
    """A certificate for each new completed enrolment; its validity gives the expiry state."""
    today = timezone.localdate()
    for enrolment in enrolments:
        outcome = getattr(enrolment, "demo_outcome", None)
        if enrolment.completed_at is None or outcome is None:
            continue
        expires = {
            "certified": today + datetime.timedelta(days=300),
            "window_open": today + datetime.timedelta(days=12),
            "expired": today - datetime.timedelta(days=9),
        }[outcome]
        Certificate.objects.create(
            user=enrolment.user,
            course=enrolment.course,
            enrolment=enrolment,
            code=f"DEMO-R{enrolment.pk:06d}",
            holder_name=enrolment.user.full_name,
            course_title=enrolment.course.title,
            issued_at=enrolment.completed_at,
            expires_on=expires,
        )


def _demanding_lessons(people: list[User]) -> None:
    """Completed lessons at exposure level 2-3 over the last weeks (the training load)."""
    versions = list(
        LessonVersion.objects.filter(exposure_level__gte=2, language="", jurisdiction="")
        .select_related("module_version")
        .order_by("pk")
    )
    if not versions:
        return
    now = timezone.now()
    for i, person in enumerate(people):
        for version in versions:
            LessonProgress.objects.get_or_create(
                user=person,
                lesson=version.lesson,
                defaults={
                    "module_version": version.module_version,
                    "completed_at": now - datetime.timedelta(days=3 + 6 * (i % 8)),
                    "last_opened_at": now - datetime.timedelta(days=3 + 6 * (i % 8)),
                },
            )
