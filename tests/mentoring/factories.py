"""Factories for mentoring tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import Competency, TopicTag
from mentoring.languages import languages_encode
from mentoring.models import (
    DirectoryProfile,
    Event,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
)
from tests.factories import UserFactory


class TopicTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicTag
        django_get_or_create = ("slug",)

    dimension = "technique"
    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"competency-{n}")
    name = factory.Sequence(lambda n: f"Competency {n}")
    is_practical = True


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    languages = languages_encode(["en", "fr"])
    capacity = 2
    cross_border = True

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.set(extracted)


class DirectoryProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    languages = languages_encode(["en"])
    official_contact = "Through the agency's international desk."

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.set(extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorAssignment

    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    status = MentorAssignment.Status.ACTIVE
    origin = MentorAssignment.Origin.PROPOSAL
    started_on = factory.LazyFunction(timezone.localdate)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringGoal

    assignment = factory.SubFactory(AssignmentFactory)
    text = "Run a device triage on a training image."


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringSession

    assignment = factory.SubFactory(AssignmentFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    duration_minutes = 60
    agreed_actions = "Draft a checklist."
    notes = "Private: the mentee found the first exercise hard."


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Webinar {n}")
    kind = Event.Kind.WEBINAR
    scope = Event.Scope.GLOBAL
    mode = Event.Mode.ONLINE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    time_zone = "Europe/Paris"
    cpd_hours = Decimal("2.0")
    capacity = 2
    organiser = factory.SubFactory(UserFactory)
    status = Event.Status.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = EventRegistration.Status.CONFIRMED
