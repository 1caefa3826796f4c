"""Demo wellbeing content for `manage.py seed_demo`: illustrative only, fictional people.
Idempotent: a person who already has check-ins gets nothing new."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, User

from .models import CheckIn, ExposureEntry, Instrument, ResourcePage, SupportContact
from .services import (
    checkin_record,
    new_submission_key,
    resource_page_save,
    support_contact_save,
)

# email -> [(days ago, WHO-5 answers, free text, wants to talk)]; the last of the officer's
# is flagged (low wellbeing, a drop of 10 points or more, a request to talk).
CHECKINS = {
    "officer@nps.example": [
        (44, [4, 4, 3, 3, 4], "", False),
        (30, [4, 3, 3, 3, 4], "", False),
        (
            2,
            [2, 2, 1, 2, 3],
            "A heavy fortnight with a large review backlog. Sleeping badly.",
            True,
        ),
    ],
    "examiner@nps.example": [(20, [3, 4, 3, 3, 4], "", False), (5, [4, 4, 4, 3, 4], "", False)],
    "undercover@nps.example": [(9, [3, 3, 3, 2, 3], "", False)],
    "prosecutor@nppo.example": [(12, [4, 3, 4, 4, 3], "", False)],
}

EXPOSURE = [(6, "3.5", "images"), (5, "4", "video"), (4, "5.5", "video"), (3, "2", "text"),
            (2, "4.5", "images"), (1, "1.5", "text")]  # fmt: skip

PAGES = [
    (
        "Looking after yourself after difficult material",
        "Small habits that help after a hard session.",
        "## After a session\n\n"
        "- Take a proper break away from the screen: walk, stretch, get some daylight.\n"
        "- Switch to a different kind of task before you go home.\n"
        "- Notice what your body is telling you: tension, tiredness, a short temper.\n\n"
        "## Over the week\n\n"
        "- Keep to the daily exposure limit and the fixed finishing time.\n"
        "- Keep time for people and things that have nothing to do with work.\n"
        "- If sleep, mood or appetite change and stay changed, talk to someone.\n",
    ),
    (
        "Talking to someone",
        "Who you can talk to, in confidence.",
        "Your wellbeing lead can talk with you in confidence, help you find support and, "
        "if you want, recommend an adjustment to your work. Your supervisor never sees your "
        "answers.\n\nYou can also contact the services listed on this page directly, without "
        "telling anyone at work.\n",
    ),
]

CONTACTS = [
    ("3114, national suicide prevention line (France)",
     "Free and confidential, for you or for someone you are worried about.",
     "3114", "", "Day and night, every day"),
    ("Staff counselling service", "Confidential counselling, up to eight sessions a year.",
     "+33 1 00 00 00 01", "counselling@nps.example", "Weekdays 8:00 to 18:00"),
    ("Wellbeing lead (Wren Petit)", "Confidential conversation about how you are doing.",
     "", "wellbeing@nps.example", "Replies within two working days"),
]  # fmt: skip


# Ordinary, unflagged WHO-5 answers for the rest of the Northshire learners, so the wellbeing
# overview has enough answers for the whole agency (units stay under five people each).
COLLEAGUE_ANSWERS = [[3, 4, 3, 3, 4], [4, 4, 3, 4, 4], [3, 3, 3, 3, 3], [4, 3, 4, 3, 3]]


def _colleague_checkins(who5: Instrument, now) -> None:
    learners = (
        User.objects.filter(agency__short_name="NPS", is_active=True, groups__isnull=True)
        .exclude(email__in=CHECKINS)
        .exclude(wellbeing_checkins__isnull=False)
        .order_by("email")
    )
    for n, person in enumerate(learners):
        if not person.is_approved:
            continue
        answers = COLLEAGUE_ANSWERS[n % len(COLLEAGUE_ANSWERS)]
        checkin_record(
            person=person,
            instrument=who5,
            answers={i + 1: v for i, v in enumerate(answers)},
            free_text="",
            wants_to_talk=False,
            submission_key=new_submission_key(),
            submitted_at=now - timedelta(days=3 + n, hours=2),
        )


@transaction.atomic
def wellbeing_demo_seed(stdout=None) -> None:
    who5 = Instrument.objects.filter(code="who5", is_current=True).first()
    if who5 is None:
        return
    now = timezone.now()
    for email, rows in CHECKINS.items():
        person = User.objects.filter(email=email).first()
        if person is None or CheckIn.objects.filter(person=person).exists():
            continue
        for days_ago, answers, text, talk in rows:
            checkin_record(
                person=person,
                instrument=who5,
                answers={i + 1: v for i, v in enumerate(answers)},
                free_text=text,
                wants_to_talk=talk,
                submission_key=new_submission_key(),
                submitted_at=now - timedelta(days=days_ago, hours=3),
            )
    _colleague_checkins(who5, now)
    officer = User.objects.filter(email="officer@nps.example").first()
    if officer is not None and not ExposureEntry.objects.filter(person=officer).exists():
        today = timezone.localdate()
        ExposureEntry.objects.bulk_create(
            ExposureEntry(
                person=officer, day=today - timedelta(days=d), hours=Decimal(h), kind=kind
            )
            for d, h, kind in EXPOSURE
        )
    lead = User.objects.filter(email="wellbeing@nps.example").first()
    agency = Agency.objects.filter(short_name="NPS").first()
    if lead is None or agency is None:
        return
    lead.__dict__.pop("_wellbeing_covered", None)
    if not ResourcePage.objects.filter(agency=agency).exists():
        for position, (title, summary, body) in enumerate(PAGES, start=1):
            resource_page_save(
                actor=lead, agency=agency, title=title, summary=summary, body=body,
                ordering=position * 10,
            )  # fmt: skip
    if not SupportContact.objects.filter(agency=agency).exists():
        for position, (name, description, phone, email, hours) in enumerate(CONTACTS, start=1):
            support_contact_save(
                actor=lead, agency=agency, name=name, description=description, phone=phone,
                email=email, availability=hours, ordering=position * 10,
            )  # fmt: skip
