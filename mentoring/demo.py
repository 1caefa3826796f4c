"""Demo content for `manage.py seed_demo` (idempotent): mentors in France and Belgium, an
active pairing with a goal and sessions, a peer directory across both countries and two
upcoming events, one nearly full. Fictional people, reserved .example domains."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import Competency, TopicTag

from .languages import languages_encode
from .models import (
    CompetencyObservation,
    ContactRequest,
    DirectoryProfile,
    Event,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
)

TAGS = [
    # slug, dimension, name, French name
    ("end-to-end-encryption", "encryption", "End-to-end encryption", "Chiffrement de bout en bout"),
    ("livestreaming", "platform", "Livestreaming", "Diffusion en direct"),
    ("financial-sextortion", "offender_method", "Financial sextortion", "Sextorsion financière"),
    ("gaming-platforms", "platform", "Gaming platforms", "Plateformes de jeu"),
    ("grooming", "offender_method", "Grooming", "Pédopiégeage"),
    ("victim-identification", "practice", "Victim identification", "Identification des victimes"),
    ("digital-forensics", "technique", "Digital forensics", "Criminalistique numérique"),
    (
        "international-cooperation",
        "jurisdiction",
        "International cooperation",
        "Coopération internationale",
    ),
]

COMPETENCIES = [
    (
        "plan-victim-centred-interview",
        "Plan a victim-centred interview",
        "Préparer une audition centrée sur la victime",
    ),
    (
        "brief-duty-team-on-referral",
        "Brief a duty team on a new referral",
        "Présenter un nouveau signalement à l'équipe de permanence",
    ),
]

MENTORS = [
    # email, tag slugs, languages, capacity, availability, cross-border
    (
        "investigator@wfp.example",
        ["financial-sextortion", "livestreaming", "international-cooperation", "grooming"],
        ["en", "fr", "nl"],
        3,
        "One hour every other week, Tuesday or Thursday mornings (Brussels time).",
        True,
    ),
    (
        "examiner@nps.example",
        ["digital-forensics", "end-to-end-encryption", "victim-identification"],
        ["fr", "en"],
        2,
        "Wednesday afternoons, by video.",
        False,
    ),
]

DIRECTORY = [
    # email, tag slugs, languages, about, official contact
    (
        "investigator@wfp.example",
        ["financial-sextortion", "international-cooperation", "livestreaming"],
        ["en", "fr", "nl"],
        "Investigates financial sextortion networks; happy to share how we work with "
        "platforms on preservation requests.",
        "Through the Westmark Federal Police international liaison desk.",
    ),
    (
        "childprotection@wfp.example",
        ["victim-identification", "grooming"],
        ["fr", "nl"],
        "Child-protection practitioner working alongside investigators on safeguarding plans.",
        "Through the Online Exploitation Squad duty office.",
    ),
    (
        "examiner@nps.example",
        ["digital-forensics", "end-to-end-encryption"],
        ["fr", "en"],
        "Digital forensic examiner: triage of seized devices and encrypted messaging apps.",
        "Through the Northshire Police Service forensic unit's official mailbox.",
    ),
    (
        "prosecutor@nppo.example",
        ["international-cooperation", "grooming"],
        ["fr"],
        "Prosecutor for online child-protection cases; mutual legal assistance requests.",
        "Through the Northshire Public Prosecution Office's international desk.",
    ),
    (
        "undercover@nps.example",
        ["gaming-platforms", "grooming"],
        ["en", "fr"],
        "Online undercover work on gaming platforms and chat services.",
        "Through the Northshire Police Service switchboard (ask for the Online Child "
        "Protection Unit).",
    ),
]


def _people(emails) -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=emails).select_related("agency")}


def _tags() -> dict[str, TopicTag]:
    for slug, dimension, name, name_fr in TAGS:
        TopicTag.objects.get_or_create(
            slug=slug, defaults={"dimension": dimension, "name": name, "name_fr": name_fr}
        )
    return {t.slug: t for t in TopicTag.objects.filter(slug__in=[t[0] for t in TAGS])}


def _practical_competency() -> Competency | None:
    existing = Competency.objects.filter(is_practical=True).order_by("pk").first()
    if existing is not None:
        return existing
    for code, name, name_fr in COMPETENCIES:
        Competency.objects.get_or_create(
            code=code, defaults={"name": name, "name_fr": name_fr, "is_practical": True}
        )
    return Competency.objects.filter(is_practical=True).order_by("pk").first()


def _profiles(people, tags) -> None:
    for email, slugs, languages, capacity, availability, cross_border in MENTORS:
        user = people.get(email)
        if user is None:
            continue
        profile, created = MentorProfile.objects.get_or_create(
            user=user,
            defaults={
                "languages": languages_encode(languages),
                "capacity": capacity,
                "availability": availability,
                "cross_border": cross_border,
            },
        )
        if created:
            profile.expertise.set([tags[s] for s in slugs])
    for email, slugs, languages, about, contact in DIRECTORY:
        user = people.get(email)
        if user is None:
            continue
        listing, created = DirectoryProfile.objects.get_or_create(
            user=user,
            defaults={
                "languages": languages_encode(languages),
                "about": about,
                "official_contact": contact,
            },
        )
        if created:
            listing.expertise.set([tags[s] for s in slugs])


def _pairing(people, competency) -> None:
    mentor = people.get("examiner@nps.example")
    mentee = people.get("officer@nps.example")
    if mentor is None or mentee is None:
        return
    if MentorAssignment.objects.filter(mentor=mentor, mentee=mentee).exists():
        return
    now = timezone.now()
    today = timezone.localdate()
    assignment = MentorAssignment.objects.create(
        mentor=mentor,
        mentee=mentee,
        status=MentorAssignment.Status.ACTIVE,
        origin=MentorAssignment.Origin.PROPOSAL,
        proposed_by=people.get("supervisor@nps.example"),
        proposed_at=now - timedelta(days=30),
        proposal_note="Olivia would like to grow in triaging seized devices.",
        responded_at=now - timedelta(days=28),
        started_on=today - timedelta(days=28),
    )
    MentoringGoal.objects.create(
        assignment=assignment,
        text="Run a device triage on a training image end to end, with a written checklist.",
        target_date=today + timedelta(days=45),
        created_by=mentee,
    )
    MentoringGoal.objects.create(
        assignment=assignment,
        text="Read the unit's guidance on encrypted messaging apps and list open questions.",
        target_date=today - timedelta(days=3),
        status="achieved",
        created_by=mentor,
    )
    MentoringSession.objects.create(
        assignment=assignment,
        starts_at=(now - timedelta(days=14)).replace(hour=14, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        format=MentoringSession.Format.VIDEO,
        agreed_actions="Olivia drafts a triage checklist; Eli shares the unit's training image.",
        notes="Good first session. Start the next one with the checklist draft.",
        created_by=mentor,
    )
    MentoringSession.objects.create(
        assignment=assignment,
        starts_at=(now + timedelta(days=5)).replace(hour=14, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        format=MentoringSession.Format.IN_PERSON,
        created_by=mentee,
    )
    if competency is not None:
        CompetencyObservation.objects.get_or_create(
            assignment=assignment,
            competency=competency,
            defaults={
                "learner": mentee,
                "observed_by": mentor,
                "observed_on": today - timedelta(days=14),
                "context": "Training exercise during the first session.",
            },
        )


def _contact(people) -> None:
    requester = people.get("prosecutor@nppo.example")
    peer = people.get("investigator@wfp.example")
    if (
        requester
        and peer
        and not ContactRequest.objects.filter(requester=requester, peer=peer).exists()
    ):
        ContactRequest.objects.create(
            requester=requester,
            peer=peer,
            topic=TopicTag.objects.filter(slug="international-cooperation").first(),
        )


def _events(people) -> None:
    organiser = people.get("trainer@nps.example")
    if organiser is None:
        return
    now = timezone.now()
    webinar_start = (now + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    webinar, _created = Event.objects.get_or_create(
        title="Financial sextortion: what changed this year",
        defaults={
            "kind": Event.Kind.WEBINAR,
            "scope": Event.Scope.GLOBAL,
            "mode": Event.Mode.ONLINE,
            "description": (
                "A 90-minute webinar on the patterns investigators and child-protection "
                "services report in financial sextortion, and on working with platforms. "
                "Non-graphic; no case material is shown."
            ),
            "online_details": "The joining link is emailed to you the day before.",
            "starts_at": webinar_start.replace(hour=13),
            "ends_at": webinar_start.replace(hour=14, minute=30),
            "time_zone": "Europe/Paris",
            "cpd_hours": Decimal("1.5"),
            "capacity": 200,
            "organiser": organiser,
            "agency": organiser.agency,
            "status": Event.Status.PUBLISHED,
        },
    )
    workshop_start = (now + timedelta(days=24)).replace(minute=0, second=0, microsecond=0)
    workshop, _created = Event.objects.get_or_create(
        title="Cross-border cooperation workshop: preservation and mutual legal assistance",
        defaults={
            "kind": Event.Kind.WORKSHOP,
            "scope": Event.Scope.REGIONAL,
            "region": "France and Belgium",
            "mode": Event.Mode.IN_PERSON,
            "description": (
                "A one-day workshop for investigators and prosecutors from both countries: "
                "preservation requests, mutual legal assistance and joint investigation teams, "
                "worked through fictional scenarios."
            ),
            "location": "Training centre, 1 Example Street, Lille",
            "starts_at": workshop_start.replace(hour=8),
            "ends_at": workshop_start.replace(hour=16),
            "time_zone": "Europe/Paris",
            "cpd_hours": Decimal("6"),
            "capacity": 4,
            "organiser": organiser,
            "agency": organiser.agency,
            "status": Event.Status.PUBLISHED,
        },
    )
    for email in ("officer@nps.example", "investigator@wfp.example"):
        if email in people:
            EventRegistration.objects.get_or_create(
                event=webinar,
                user=people[email],
                defaults={"status": EventRegistration.Status.CONFIRMED, "confirmed_at": now},
            )
    # Three of four places taken: one left, then the waiting list.
    for email in ("prosecutor@nppo.example", "investigator@wfp.example", "judge@nppo.example"):
        if email in people:
            EventRegistration.objects.get_or_create(
                event=workshop,
                user=people[email],
                defaults={"status": EventRegistration.Status.CONFIRMED, "confirmed_at": now},
            )


@transaction.atomic
def mentoring_demo_seed(stdout=None) -> None:
    emails = {row[0] for row in MENTORS} | {row[0] for row in DIRECTORY}
    emails |= {
        "officer@nps.example",
        "supervisor@nps.example",
        "trainer@nps.example",
        "judge@nppo.example",
    }
    people = _people(emails)
    tags = _tags()
    competency = _practical_competency()
    _profiles(people, tags)
    _pairing(people, competency)
    _contact(people)
    _events(people)
