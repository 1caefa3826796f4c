"""French pages, and localised lesson variants (language and jurisdiction overlays)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services
from courses.models import Enrolment, LessonVariant, LessonVersion
from courses.selectors import course_page_get, lesson_versions_pick
from tests.factories import UserFactory, totp_enrol

from .factories import CourseFactory, LessonFactory, ModuleFactory, staff


def test_catalogue_speaks_french(client_as, learner):
    learner.preferred_language = "fr"
    learner.save()
    response = client_as(learner).get(reverse("courses:catalogue"))

    body = response.content.decode()
    assert "<h1>Formations</h1>" in body


@pytest.fixture
def course_with_variants(trainer):
    course = CourseFactory()
    staff(course, trainer)
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module, title="The law", body_md="Base text.")
    services.lesson_variant_save(
        actor=trainer, lesson=lesson, language="fr", jurisdiction="", title="Le droit",
        body_md="Texte en français.",
    )  # fmt: skip
    services.lesson_variant_save(
        actor=trainer, lesson=lesson, language="", jurisdiction="England and Wales",
        title="The law in England and Wales", body_md="National section.",
    )  # fmt: skip
    services.module_publish(actor=trainer, module=module, change_summary="v1")
    return course


def _titles(user, course, language):
    page = course_page_get(user=user, slug=course.slug, language=language)
    return [lesson.version.title for lesson in page.lessons]


def test_learner_sees_the_base_lesson_by_default(learner, course_with_variants):
    assert _titles(learner, course_with_variants, "en") == ["The law"]


def test_learner_reading_french_sees_the_french_variant(learner, course_with_variants):
    assert _titles(learner, course_with_variants, "fr") == ["Le droit"]


def test_jurisdiction_variant_wins_over_language(learner, course_with_variants):
    learner.jurisdiction = "england and wales"

    assert _titles(learner, course_with_variants, "fr") == ["The law in England and Wales"]


def test_variant_for_another_jurisdiction_falls_back_to_base(learner, course_with_variants):
    learner.jurisdiction = "Scotland"

    assert _titles(learner, course_with_variants, "en") == ["The law"]


def test_pick_prefers_language_and_jurisdiction_together():
    def version(language, jurisdiction, title):
        return LessonVersion(
            module_version_id=1, lesson_id=1, language=language, jurisdiction=jurisdiction,
            title=title, position=1,
        )  # fmt: skip

    versions = [
        version("", "", "base"),
        version("fr", "", "fr"),
        version("", "France", "jurisdiction"),
        version("fr", "France", "both"),
    ]

    picked = lesson_versions_pick(versions, language="fr", jurisdiction="France")

    assert [v.title for v in picked] == ["both"]


def test_variants_are_published_sanitised(trainer, course_with_variants):
    lesson = LessonVariant.objects.first().lesson
    services.lesson_variant_save(
        actor=trainer, lesson=lesson, language="fr", jurisdiction="", title="x",
        body_md="<script>alert(1)</script>Bonjour",
    )  # fmt: skip
    services.module_publish(actor=trainer, module=lesson.module, change_summary="v2")

    html = LessonVersion.objects.filter(language="fr").latest("pk").body_html

    assert "<script" not in html and "Bonjour" in html


def test_a_variant_needs_a_language_or_a_jurisdiction(trainer, course_with_variants):
    from django.core.exceptions import ValidationError

    lesson = LessonVariant.objects.first().lesson
    with pytest.raises(ValidationError):
        services.lesson_variant_save(
            actor=trainer, lesson=lesson, language="", jurisdiction="", title="x", body_md="y"
        )


def test_lesson_page_serves_the_variant(client_as, learner, course_with_variants):
    Enrolment.objects.create(user=learner, course=course_with_variants, source="self")
    lesson = LessonVersion.objects.filter(language="").first()
    learner.preferred_language = "fr"
    learner.save()

    response = client_as(learner).get(
        reverse("courses:lesson", args=[course_with_variants.slug, lesson.lesson_id])
    )

    assert "Texte en français." in response.content.decode()


def test_variants_page_adds_a_jurisdiction_variant(client_as, trainer, course_with_variants):
    lesson = LessonVariant.objects.first().lesson
    client = client_as(trainer)

    response = client.post(
        reverse("courses:authoring_variants", args=[lesson.pk]),
        {"language": "fr", "jurisdiction": "Belgique", "title": "Le droit belge", "body_md": "x"},
        follow=True,
    )

    assert "Variant saved to the draft." in response.content.decode()
    assert lesson.variants.filter(jurisdiction="Belgique", language="fr").exists()


def test_variants_page_is_404_for_trainers_not_on_the_course(client_as, course_with_variants):
    outsider = UserFactory(roles=["trainer"])
    totp_enrol(outsider)
    lesson = LessonVariant.objects.first().lesson

    response = client_as(outsider).get(reverse("courses:authoring_variants", args=[lesson.pk]))

    assert response.status_code == 404


def test_variants_page_deletes_a_variant(client_as, trainer, course_with_variants):
    variant = LessonVariant.objects.first()

    client_as(trainer).post(
        reverse("courses:authoring_variants", args=[variant.lesson_id]), {"delete": variant.pk}
    )

    assert not LessonVariant.objects.filter(pk=variant.pk).exists()
