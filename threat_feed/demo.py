"""Demo content for `manage.py seed_demo` (idempotent): two sources (analysts' notes and a
STIX upload), about ten sober trend items written for this project, keyword rules, and the
analyst's triage of most of them. No real case data, no indicators.

Triage goes through the real services, so with courses seeded first a high-severity item
opens curriculum reviews of the modules that share its tags, as it would in use.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import TopicTag

from .models import CurriculumReview, Source, TagRule, TrendItem
from .parsing import item_content_hash
from .services import (
    curriculum_review_close,
    source_stix_upload,
    trend_item_triage,
    trend_item_write,
)

ANALYST = "analyst@nps.example"
TRAINER = "trainer@nps.example"
# The trainer has already answered one review (the others stay open for the demo).
CLOSED_REVIEW = (
    "A victim-centred approach",
    "The module already teaches the safety questions and the same-day hand-over to "
    "safeguarding; the new payment deadlines do not change that advice. Checked against the "
    "helplines' note.",
)

# (slug, dimension, name, French name): the shared slugs of the courses and mentoring demos,
# plus one the feed needs.
TAGS = [
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
    (
        "ai-generated-material",
        "technique",
        "AI-generated abuse material",
        "Contenus d'abus générés par IA",
    ),
]

RULES = [
    ("financial-sextortion", "sextortion\npayment demand\ndemands for payment", True),
    ("gaming-platforms", "gaming\nmultiplayer\ngame chat", True),
    ("end-to-end-encryption", "end-to-end\nencrypted messaging\nE2EE", True),
    ("livestreaming", "livestream\nlive stream", False),
    ("grooming", "grooming", True),
    (
        "international-cooperation",
        "cross-border\npreservation request\nmutual legal assistance",
        True,
    ),
    ("ai-generated-material", "AI-generated\nsynthetic material\ngenerative", True),
]

# Analysts' notes: (days ago, title, summary, link).
NOTES = [
    (
        3,
        "Financial sextortion: payment demands within minutes of first contact",
        "Helplines in several countries describe a shift in financial sextortion of teenagers: "
        "the offender makes contact, obtains an image under a false identity and demands "
        "payment within minutes rather than days, threatening to send it to the young "
        "person's contacts.\n\n"
        "For first responders this shortens the window to act. The training point: treat a "
        "report as urgent, reassure the young person that they are not to blame, advise "
        "against paying, preserve the conversation and involve child-protection services "
        "the same day where there are signs of self-harm.",
        "",
    ),
    (
        6,
        "Grooming on gaming platforms moves quickly to private voice chat",
        "Practitioners report first contact in multiplayer games, often through gifts of "
        "in-game currency, followed by a move to private voice channels where moderation and "
        "records are thinner. Investigators should ask early which platforms and which "
        "features were used, because what each service keeps differs widely.",
        "",
    ),
    (
        9,
        "AI-generated abuse material: what prosecutors are asking",
        "A policy note for training, not a description of material. Jurisdictions differ on "
        "whether and how synthetic material is charged, and detection tools built for known "
        "material do not recognise newly generated items. Prosecutors ask three recurring "
        "questions: which offence applies, how to show that a real child may be depicted, and "
        "how to present the technical evidence in court. Modules on the legal framework "
        "should name the local answer and where it is still open.",
        "",
    ),
    (
        14,
        "Cross-border preservation requests: delays remain the main obstacle",
        "Practitioners meeting at a regional workshop described preservation requests that "
        "reach a provider after the data has gone. The advice that came back: send the "
        "preservation request first and the mutual legal assistance request after, use the "
        "24/7 points of contact of the Budapest Convention, and record the time of each step.",
        "",
    ),
    (
        20,
        "Helplines report more disclosures of self-harm after sextortion",
        "Victim-support services describe more young people disclosing thoughts of self-harm "
        "after a sextortion attempt, whether or not they paid. The training point for every "
        "role: ask directly and calmly about safety, do not leave the young person alone with "
        "the threat, and hand over to safeguarding colleagues without delay.",
        "",
    ),
]

# What a partner shared as a STIX 2.1 bundle (with an indicator the upload ignores).
BUNDLE = {
    "type": "bundle",
    "id": "bundle--7d1c4b7e-0b6e-4d3a-9d55-1f2e3c4d5e6f",
    "objects": [
        {
            "type": "report",
            "spec_version": "2.1",
            "id": "report--2f0d7c1a-6a3e-4c1b-8f2d-3e4f5a6b7c8d",
            "created": "2026-01-12T09:00:00.000Z",
            "modified": "2026-01-12T09:00:00.000Z",
            "name": "End-to-end encryption by default in a large messaging service",
            "description": (
                "A partner's overview: a large messaging service now encrypts private "
                "conversations end to end by default. Referrals from that service are expected "
                "to fall, and content will rarely be available from the provider. "
                "Investigations will rely more on the devices of suspects and victims, on "
                "account and subscriber data, and on reports made by the people involved."
            ),
            "published": "2026-01-12T09:00:00.000Z",
            "report_types": ["threat-report"],
            "object_refs": ["attack-pattern--5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"],
        },
        {
            "type": "attack-pattern",
            "spec_version": "2.1",
            "id": "attack-pattern--5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
            "created": "2026-01-12T09:00:00.000Z",
            "modified": "2026-01-12T09:00:00.000Z",
            "name": "Ephemeral messages used to limit what can be recovered",
            "description": (
                "Offenders switch on disappearing messages once a conversation moves to an "
                "encrypted app. What remains on a seized device depends on settings and "
                "timing, so early seizure and a forensic plan matter."
            ),
        },
        {
            "type": "campaign",
            "spec_version": "2.1",
            "id": "campaign--8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b",
            "created": "2026-01-14T09:00:00.000Z",
            "modified": "2026-01-14T09:00:00.000Z",
            "name": "Livestreamed abuse paid for with small repeated transfers",
            "description": (
                "Financial investigators in the sharing group report livestreamed abuse "
                "ordered from abroad and paid for with small, repeated transfers. Payment "
                "patterns, not images, led to the offenders. Cooperation between financial "
                "intelligence units and child-protection teams was decisive."
            ),
        },
        {
            "type": "tool",
            "spec_version": "2.1",
            "id": "tool--9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
            "created": "2026-01-15T09:00:00.000Z",
            "modified": "2026-01-15T09:00:00.000Z",
            "name": "Disposable phone numbers for opening accounts",
            "description": (
                "Online services that give short-lived phone numbers, used to open accounts "
                "that are hard to attribute. Widely used for many purposes."
            ),
            "tool_types": ["information-gathering"],
        },
        {
            "type": "campaign",
            "spec_version": "2.1",
            "id": "campaign--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
            "created": "2026-01-16T09:00:00.000Z",
            "modified": "2026-01-16T09:00:00.000Z",
            "name": "Sextortion scripts reused across many accounts",
            "description": (
                "Many accounts contacting teenagers with the same wording and the same "
                "sequence of requests, which suggests organised groups working from a script."
            ),
        },
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--1b2c3d4e-5f6a-4b7c-8d8e-9f0a1b2c3d4e",
            "created": "2026-01-16T09:00:00.000Z",
            "modified": "2026-01-16T09:00:00.000Z",
            "pattern": "[domain-name:value = 'ignored.example']",
            "pattern_type": "stix",
            "valid_from": "2026-01-16T09:00:00Z",
        },
    ],
}

# Triage by the analyst: (title, status, severity, tag slugs). Others stay waiting.
TRIAGE = [
    (NOTES[0][1], "relevant", 3, ["financial-sextortion", "victim-identification"]),
    (NOTES[1][1], "relevant", 2, ["gaming-platforms", "grooming"]),
    (NOTES[2][1], "relevant", 2, ["ai-generated-material", "international-cooperation"]),
    (NOTES[3][1], "relevant", 1, ["international-cooperation"]),
    (
        "End-to-end encryption by default in a large messaging service",
        "relevant",
        3,
        ["end-to-end-encryption", "digital-forensics"],
    ),
    (
        "Livestreamed abuse paid for with small repeated transfers",
        "relevant",
        4,
        ["livestreaming", "international-cooperation"],
    ),
    ("Disposable phone numbers for opening accounts", "not_relevant", None, []),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  threat_feed: {text}")


def _tags() -> dict[str, TopicTag]:
    for slug, dimension, name, name_fr in TAGS:
        TopicTag.objects.get_or_create(
            slug=slug, defaults={"dimension": dimension, "name": name, "name_fr": name_fr}
        )
    return {t.slug: t for t in TopicTag.objects.filter(slug__in=[t[0] for t in TAGS])}


def _source(name: str, kind: str, description: str, analyst: User) -> Source:
    source, created = Source.objects.get_or_create(
        name=name,
        kind=kind,
        defaults={"description": description, "created_by": analyst},
    )
    if created:
        source.owners.set([analyst])
    return source


def seed_threat_feed(stdout=None) -> None:
    analyst = User.objects.filter(email=ANALYST).first()
    if analyst is None:
        _say(stdout, f"{ANALYST} does not exist; seed accounts first.")
        return
    analyst.__dict__.pop("_lms_roles", None)
    with transaction.atomic():
        tags = _tags()
        for slug, keywords, whole_word in RULES:
            if not TagRule.objects.filter(tag=tags[slug]).exists():
                TagRule.objects.create(tag=tags[slug], keywords=keywords, whole_word=whole_word)
        notes = _source(
            "Analysts' notes",
            Source.Kind.MANUAL,
            "Trends the analysts learn of at conferences, from partners and from reports "
            "without a feed, written in their own words.",
            analyst,
        )
        partner = _source(
            "Partner bundles (STIX 2.1)",
            Source.Kind.STIX_UPLOAD,
            "Bundles shared by a partner trend-sharing group; only reports, techniques, tools "
            "and campaigns are kept.",
            analyst,
        )
        now = timezone.now()
        written = 0
        for days, title, summary, link in NOTES:
            if TrendItem.objects.filter(
                content_hash=item_content_hash(title=title, summary=summary)
            ).exists():
                continue
            trend_item_write(
                actor=analyst,
                source=notes,
                title=title,
                summary=summary,
                link=link,
                published_at=now - timedelta(days=days),
            )
            written += 1
        uploaded = source_stix_upload(
            actor=analyst, source=partner, data=json.dumps(BUNDLE).encode()
        ).added
        triaged = 0
        for title, status, severity, slugs in TRIAGE:
            item = TrendItem.objects.filter(title=title, status=TrendItem.Status.NEW).first()
            if item is None:
                continue
            trend_item_triage(
                actor=analyst,
                item=item,
                status=status,
                severity=severity,
                tags=[tags[s] for s in slugs],
            )
            triaged += 1
        closed = _close_one_review()
    _say(
        stdout,
        f"{written} notes written, {uploaded} items uploaded, {triaged} triaged, "
        f"{CurriculumReview.objects.filter(status='open').count()} reviews open, "
        f"{closed} closed.",
    )


def _close_one_review() -> int:
    trainer = User.objects.filter(email=TRAINER).first()
    title, reason = CLOSED_REVIEW
    if (
        trainer is None
        or CurriculumReview.objects.filter(
            module__title=title, status=CurriculumReview.Status.CLOSED
        ).exists()
    ):
        return 0
    review = CurriculumReview.objects.filter(
        module__title=title, status=CurriculumReview.Status.OPEN
    ).first()
    if review is None:
        return 0
    trainer.__dict__.pop("_lms_roles", None)
    curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason=reason)
    return 1
