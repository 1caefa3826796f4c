"""Curriculum reviews: opened by relevant trends, one per module, closed by its trainers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from courses.models import ModuleVersion
from courses.services import module_publish
from notifications.models import Notification
from tests.courses.factories import LessonFactory, published_course, staff
from tests.factories import UserFactory, totp_enrol
from threat_feed.models import CurriculumReview
from threat_feed.services import curriculum_review_close, trend_item_triage

from .factories import TopicTagFactory, TrendItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(db):
    return TopicTagFactory(slug="end-to-end-encryption", name="End-to-end encryption")


@pytest.fixture
def module(trainer, tag):
    course = published_course(trainer=trainer, title="Encrypted services")
    module = course.modules.get()
    module.topic_tags.set([tag])
    return module


def _triage(analyst, tag, severity=3, **item):
    found = TrendItemFactory(**item)
    trend_item_triage(actor=analyst, item=found, status="relevant", severity=severity, tags=[tag])
    return found


def _new_version(trainer, module, *, material=True) -> ModuleVersion:
    LessonFactory(module=module, title="What changed")
    return module_publish(
        actor=trainer,
        module=module,
        change_summary="Added the new trend.",
        is_material_change=material,
    )


def test_a_high_relevant_item_opens_a_review_of_a_module_sharing_its_tags(
    trends_analyst, trainer, module, tag
):
    with time_machine.travel("2026-04-01 10:00:00Z", tick=False):
        item = _triage(trends_analyst, tag, severity=3)

    review = CurriculumReview.objects.get(module=module)
    assert review.status == "open" and review.severity == 3
    assert review.due_on == date(2026, 5, 1)  # high: 30 days by default
    assert list(review.items.all()) == [item]
    assert AuditEvent.objects.filter(action="threat_feed.review_open").exists()


def test_the_modules_trainers_are_told_once(trends_analyst, trainer, module, tag):
    item = _triage(trends_analyst, tag)
    trend_item_triage(actor=trends_analyst, item=item, status="relevant", severity=3, tags=[tag])

    notes = Notification.objects.filter(user=trainer, kind="threat_feed.review")
    assert notes.count() == 1
    review = CurriculumReview.objects.get()
    assert notes.get().url == reverse("threat_feed:review", args=[review.pk])
    assert "Encrypted services" in notes.get().body


def test_below_the_threshold_nothing_opens(trends_analyst, module, tag):
    _triage(trends_analyst, tag, severity=2)

    assert not CurriculumReview.objects.exists()


def test_threshold_is_a_setting(trends_analyst, module, tag, settings):
    settings.THREAT_FEED_REVIEW_THRESHOLD = "medium"

    _triage(trends_analyst, tag, severity=2)

    assert CurriculumReview.objects.get().due_on == timezone.localdate() + timedelta(days=60)


def test_not_relevant_items_open_nothing(trends_analyst, module, tag):
    item = TrendItemFactory()
    trend_item_triage(actor=trends_analyst, item=item, status="not_relevant", tags=[tag])

    assert not CurriculumReview.objects.exists()


def test_modules_without_the_tag_or_unpublished_are_not_reviewed(trends_analyst, trainer, tag):
    other = published_course(trainer=trainer).modules.get()
    other.topic_tags.set([TopicTagFactory()])
    draft = published_course(trainer=trainer, status="draft").modules.get()
    draft.topic_tags.set([tag])

    _triage(trends_analyst, tag)

    assert not CurriculumReview.objects.exists()


def test_one_open_review_gathers_every_triggering_item(trends_analyst, module, tag):
    with time_machine.travel("2026-04-01 10:00:00Z", tick=False):
        first = _triage(trends_analyst, tag, severity=3)
    with time_machine.travel("2026-04-05 10:00:00Z", tick=False):
        second = _triage(trends_analyst, tag, severity=4)

    review = CurriculumReview.objects.get()
    assert set(review.items.all()) == {first, second}
    assert review.severity == 4
    assert review.due_on == date(2026, 4, 12)  # the critical item's 7 days come sooner


def test_a_second_item_tells_the_trainers_about_it(trends_analyst, trainer, module, tag):
    _triage(trends_analyst, tag)
    second = _triage(trends_analyst, tag, title="Another trend")

    bodies = list(Notification.objects.filter(user=trainer).values_list("body", flat=True))
    assert len(bodies) == 2 and any(second.title in body for body in bodies)


def test_database_refuses_a_second_open_review(module):
    CurriculumReview.objects.create(module=module, severity=3, due_on=timezone.localdate())

    with pytest.raises(IntegrityError), transaction.atomic():
        CurriculumReview.objects.create(module=module, severity=4, due_on=timezone.localdate())


def test_after_closing_a_new_trend_opens_a_new_review(trends_analyst, trainer, module, tag):
    _triage(trends_analyst, tag)
    review = CurriculumReview.objects.get()
    curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason="Covered.")

    _triage(trends_analyst, tag, title="Later trend")

    assert CurriculumReview.objects.filter(module=module).count() == 2
    assert CurriculumReview.objects.filter(module=module, status="open").count() == 1


# --- Closing ------------------------------------------------------------------------------


@pytest.fixture
def review(trends_analyst, module, tag):
    _triage(trends_analyst, tag)
    return CurriculumReview.objects.get()


def test_trainer_closes_with_no_change_and_a_reason(trainer, review, module):
    module.last_reviewed_on = date(2025, 1, 1)
    module.save()

    curriculum_review_close(
        actor=trainer, review=review, outcome="no_change", reason="The module covers it."
    )

    review.refresh_from_db()
    module.refresh_from_db()
    assert (review.status, review.outcome, review.closed_by) == ("closed", "no_change", trainer)
    assert module.last_reviewed_on == timezone.localdate()
    assert (
        AuditEvent.objects.get(action="threat_feed.review_close").details["outcome"] == "no_change"
    )


def test_no_change_without_a_reason_is_refused(trainer, review):
    with pytest.raises(ValidationError):
        curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason="  ")
    assert CurriculumReview.objects.get().status == "open"


def test_trainer_closes_as_updated_with_a_new_version(trainer, review, module):
    version = _new_version(trainer, module, material=True)

    curriculum_review_close(actor=trainer, review=review, outcome="updated", version=version)

    review.refresh_from_db()
    assert review.outcome == "updated" and review.module_version == version
    event = AuditEvent.objects.get(action="threat_feed.review_close")
    assert event.details["version"] == 2
    assert event.details["refreshers"] in {"requested", "unavailable"}


def test_updated_with_a_version_older_than_the_review_is_refused(trainer, review, module):
    old = module.current_version

    with pytest.raises(ValidationError, match="published since the review opened"):
        curriculum_review_close(actor=trainer, review=review, outcome="updated", version=old)


def test_updated_with_another_modules_version_is_refused(trainer, review, tag):
    other = published_course(trainer=trainer).modules.get()
    version = _new_version(trainer, other)

    with pytest.raises(ValidationError):
        curriculum_review_close(actor=trainer, review=review, outcome="updated", version=version)


def test_updated_without_a_version_is_refused(trainer, review):
    with pytest.raises(ValidationError):
        curriculum_review_close(actor=trainer, review=review, outcome="updated")


def test_closing_twice_is_refused_and_changes_nothing(trainer, review):
    curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason="Fine.")

    with pytest.raises(ValidationError, match="already closed"):
        curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason="Again")
    assert CurriculumReview.objects.get().reason == "Fine."


@pytest.mark.parametrize("who", ["learner", "trends_analyst", "supervisor", "other_trainer"])
def test_only_the_courses_trainers_close(request, review, who, unit):
    if who == "other_trainer":
        person = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
        totp_enrol(person)
    else:
        person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        curriculum_review_close(actor=person, review=review, outcome="no_change", reason="x")


def test_platform_admin_may_close(platform_admin, review):
    curriculum_review_close(actor=platform_admin, review=review, outcome="no_change", reason="x")

    assert CurriculumReview.objects.get().status == "closed"


@pytest.fixture
def certified_learner(learner, module):
    """Someone certified on the module's first version."""
    from courses.models import LessonVersion
    from courses.services import enrolment_self_create, lesson_complete

    enrolment_self_create(actor=learner, course=module.course)
    for version in LessonVersion.objects.filter(module_version=module.current_version):
        lesson_complete(actor=learner, lesson_version=version)
    return learner


def test_a_material_version_gives_certified_learners_a_refresher(
    trainer, review, module, certified_learner
):
    from courses.models import Refresher
    from courses.services import module_version_refreshers_assign

    version = _new_version(trainer, module, material=True)

    curriculum_review_close(actor=trainer, review=review, outcome="updated", version=version)

    refresher = Refresher.objects.get(user=certified_learner)
    assert refresher.module_version == version and refresher.summary == "Added the new trend."
    assert [item.lesson.title for item in refresher.items.all()] == ["What changed"]
    # The service is idempotent: publishing already called it, the review close again.
    assert module_version_refreshers_assign(actor=trainer, version=version) == 0
    event = AuditEvent.objects.get(action="threat_feed.review_close")
    assert event.details["refreshers"] == "requested"


def test_a_minor_version_gives_no_refresher(trainer, review, module, certified_learner):
    from courses.models import Refresher

    version = _new_version(trainer, module, material=False)

    curriculum_review_close(actor=trainer, review=review, outcome="updated", version=version)

    assert not Refresher.objects.exists()


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainer", 200), ("trends_analyst", 200), ("platform_admin", 200), ("learner", 404)],
)
def test_review_pages_permission_matrix(request, client_as, review, who, status):
    client = client_as(request.getfixturevalue(who))

    for url in (
        reverse("threat_feed:reviews"),
        reverse("threat_feed:review", args=[review.pk]),
        reverse("threat_feed:freshness"),
        reverse("threat_feed:module", args=[review.module_id]),
    ):
        assert client.get(url).status_code == status, url


def test_a_trainer_of_another_course_gets_404(client_as, review, unit):
    other = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
    totp_enrol(other)
    client = client_as(other)

    assert client.get(reverse("threat_feed:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("threat_feed:module", args=[review.module_id])).status_code == 404
    assert client.get(reverse("threat_feed:reviews")).context["page"].paginator.count == 0


def test_trainer_closes_through_the_page(client_as, trainer, review):
    response = client_as(trainer).post(
        reverse("threat_feed:review", args=[review.pk]),
        {"outcome": "no_change", "reason": "Still current."},
    )

    assert response.status_code == 302
    assert CurriculumReview.objects.get().status == "closed"


def test_page_shows_why_a_close_was_refused(client_as, trainer, review):
    response = client_as(trainer).post(
        reverse("threat_feed:review", args=[review.pk]), {"outcome": "no_change", "reason": ""}
    )

    assert (
        response.status_code == 400 and b"Say why the module needs no change." in response.content
    )


def test_page_refuses_a_forged_version(client_as, trainer, review):
    response = client_as(trainer).post(
        reverse("threat_feed:review", args=[review.pk]), {"outcome": "updated", "version": "9999"}
    )

    assert response.status_code == 400 and CurriculumReview.objects.get().status == "open"


def test_analyst_cannot_close_through_the_page(client_as, trends_analyst, review):
    response = client_as(trends_analyst).post(
        reverse("threat_feed:review", args=[review.pk]), {"outcome": "no_change", "reason": "x"}
    )

    assert response.status_code == 404 and CurriculumReview.objects.get().status == "open"


def test_double_submit_after_closing_says_it_is_closed(client_as, trainer, review):
    client = client_as(trainer)
    url = reverse("threat_feed:review", args=[review.pk])
    client.post(url, {"outcome": "no_change", "reason": "Still current."})

    response = client.post(url, {"outcome": "no_change", "reason": "Again"}, follow=True)

    assert b"already closed" in response.content
    assert CurriculumReview.objects.get().reason == "Still current."


def test_review_list_filters_overdue(client_as, trainer, review):
    CurriculumReview.objects.filter(pk=review.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client = client_as(trainer)

    assert (
        client.get(reverse("threat_feed:reviews"), {"status": "overdue"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        client.get(reverse("threat_feed:reviews"), {"status": "closed"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_freshness_lists_modules_unreviewed_for_a_year_or_overdue(client_as, trainer, tag):
    course = published_course(trainer=trainer, modules=3)
    stale, _fresh, overdue = course.modules.order_by("pk")
    stale.last_reviewed_on = timezone.localdate() - timedelta(days=400)
    stale.save()
    CurriculumReview.objects.create(
        module=overdue, severity=3, due_on=timezone.localdate() - timedelta(days=2)
    )

    response = client_as(trainer).get(reverse("threat_feed:freshness"))

    listed = [m.pk for m in response.context["page"]]
    assert listed == [overdue.pk, stale.pk]


def test_module_page_shows_last_review_and_open_review(client_as, trainer, review, module):
    response = client_as(trainer).get(reverse("threat_feed:module", args=[module.pk]))

    assert response.context["record"].open_review == review
    assert b"Last reviewed" in response.content


def test_trainer_home_panel_counts_open_reviews(client_as, trainer, review):
    response = client_as(trainer).get(reverse("home"))

    assert b"1 curriculum review is open for your modules." in response.content


def test_staff_helper_keeps_other_trainers_out(trainer, review, unit):
    other = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
    staff(review.module.course, other)

    curriculum_review_close(actor=other, review=review, outcome="no_change", reason="x")

    assert CurriculumReview.objects.get().closed_by == other


def test_privacy_exports_closed_reviews_and_erase_keeps_them(trainer, review):
    from accounts.privacy import privacy_erase, privacy_export

    curriculum_review_close(actor=trainer, review=review, outcome="no_change", reason="Current.")

    exported = privacy_export(user=trainer)["threat_feed"]["curriculum_reviews_closed"]
    privacy_erase(user=trainer)

    assert exported[0]["outcome"] == "no_change" and exported[0]["reason"] == "Current."
    review.refresh_from_db()
    assert review.status == "closed" and review.closed_by is None


def _review_list_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("threat_feed:reviews"), {"status": "all"}).status_code == 200
    return len(queries)


def test_review_list_queries_do_not_grow_with_reviews(client_as, trainer, trends_analyst, tag):
    course = published_course(trainer=trainer, modules=12)
    modules = list(course.modules.all())
    for module in modules:
        module.topic_tags.set([tag])
    client = client_as(trainer)
    client.get(reverse("threat_feed:reviews"))
    for module in modules[:2]:
        CurriculumReview.objects.create(module=module, severity=3, due_on=timezone.localdate())
    small = _review_list_queries(client)
    for module in modules[2:]:
        CurriculumReview.objects.create(module=module, severity=4, due_on=timezone.localdate())

    assert _review_list_queries(client) == small
