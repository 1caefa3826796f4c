"""The lead's side: triage statuses, confidential notes, follow-up dates and the
"adjustment recommended" flag that supervisors see (and nothing else)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from notifications.models import Notification
from wellbeing.models import AdjustmentFlag, ReviewCase
from wellbeing.services import (
    adjustment_recommend,
    review_case_status_set,
    review_follow_up_set,
    review_note_add,
)


@pytest.fixture
def case(make_checkin, learner):
    return make_checkin(learner, [3, 3, 2, 2, 2], free_text="Tired all the time").review_case


def test_the_lead_moves_a_case_through_the_statuses(client_as, wellbeing_lead, case):
    client = client_as(wellbeing_lead)

    for status in ("contacted", "in_support", "closed"):
        response = client.post(reverse("wellbeing:case_status", args=[case.pk]), {"status": status})
        assert response.status_code == 302

    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert [e.status for e in case.entries.all()] == ["contacted", "in_support", "closed"]


def test_an_unknown_status_is_refused_and_changes_nothing(client_as, wellbeing_lead, case):
    response = client_as(wellbeing_lead).post(
        reverse("wellbeing:case_status", args=[case.pk]), {"status": "deleted"}
    )

    assert response.status_code == 400
    assert ReviewCase.objects.get(pk=case.pk).status == "new"


def test_a_refused_form_that_shows_the_case_again_is_audited_as_a_read(
    client_as, wellbeing_lead, case
):
    from accounts.models import AuditEvent

    client_as(wellbeing_lead).post(
        reverse("wellbeing:case_status", args=[case.pk]), {"status": "deleted"}
    )

    assert AuditEvent.objects.filter(action="wellbeing.case_viewed", actor=wellbeing_lead).exists()


def test_a_note_is_added_to_the_timeline_and_audited(client_as, wellbeing_lead, case, learner):
    client_as(wellbeing_lead).post(
        reverse("wellbeing:case_note", args=[case.pk]), {"note": "Called; meeting on Friday."}
    )

    assert case.entries.get().note == "Called; meeting on Friday."
    event = AuditEvent.objects.get(action="wellbeing.note_added")
    assert event.subject_user == learner and "Friday" not in str(event.details)


def test_an_empty_note_is_refused(wellbeing_lead, case):
    with pytest.raises(ValidationError):
        review_note_add(actor=wellbeing_lead, case=case, text="   ")


def test_a_follow_up_in_the_past_is_refused(wellbeing_lead, case):
    with pytest.raises(ValidationError):
        review_follow_up_set(
            actor=wellbeing_lead, case=case, follow_up_on=timezone.localdate() - timedelta(days=1)
        )


def test_a_follow_up_is_set_and_cleared(client_as, wellbeing_lead, case):
    client = client_as(wellbeing_lead)
    day = timezone.localdate() + timedelta(days=3)

    client.post(reverse("wellbeing:case_follow_up", args=[case.pk]), {"follow_up_on": day})
    case.refresh_from_db()
    assert case.follow_up_on == day and case.follow_up_by == wellbeing_lead

    client.post(reverse("wellbeing:case_follow_up", args=[case.pk]), {"follow_up_on": ""})
    case.refresh_from_db()
    assert case.follow_up_on is None


@pytest.mark.parametrize("role", ["supervisor", "agency_admin", "platform_admin", "other_lead"])
def test_only_a_covering_lead_may_triage(request, case, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        review_case_status_set(actor=actor, case=case, status="closed")


def test_setting_adjustment_recommended_tells_the_person_and_supervisor(
    client_as, wellbeing_lead, learner, supervisor, case
):
    client_as(wellbeing_lead).post(
        reverse("wellbeing:adjustment", args=[learner.pk]), {"action": "set", "case": case.pk}
    )

    assert AdjustmentFlag.objects.get(person=learner).is_active
    assert Notification.objects.filter(user=learner, kind="wellbeing.adjustment").exists()
    told = Notification.objects.get(user=supervisor, kind="wellbeing.adjustment")
    assert learner.get_full_name() not in told.title + told.body
    assert case.entries.get().kind == "adjustment"


def test_setting_it_twice_keeps_one_flag(wellbeing_lead, learner):
    adjustment_recommend(actor=wellbeing_lead, person=learner)
    adjustment_recommend(actor=wellbeing_lead, person=learner)

    assert AdjustmentFlag.objects.filter(person=learner).count() == 1


def test_the_supervisor_sees_only_the_flag_and_whether_a_check_in_was_done(
    client_as, wellbeing_lead, learner, supervisor, case
):
    adjustment_recommend(actor=wellbeing_lead, person=learner)

    page = client_as(supervisor).get(reverse("wellbeing:team")).content.decode()
    home = client_as(supervisor).get(reverse("home")).content.decode()

    assert learner.get_full_name() in page and learner.get_full_name() in home
    assert "Adjustment recommended" in page
    for content in ("Tired all the time", "Wellbeing score", "poor", "Low wellbeing"):
        assert content not in page and content not in home


def test_clearing_the_flag_removes_it_from_the_supervisor_view(
    client_as, wellbeing_lead, learner, supervisor
):
    adjustment_recommend(actor=wellbeing_lead, person=learner)
    client_as(wellbeing_lead).post(
        reverse("wellbeing:adjustment", args=[learner.pk]), {"action": "clear"}
    )

    page = client_as(supervisor).get(reverse("wellbeing:team")).content.decode()

    assert not AdjustmentFlag.objects.filter(cleared_at__isnull=True).exists()
    assert '<span class="status status-warn">Yes</span>' not in page


def test_the_adjustment_redirect_refuses_another_site(client_as, wellbeing_lead, learner):
    response = client_as(wellbeing_lead).post(
        reverse("wellbeing:adjustment", args=[learner.pk]),
        {"action": "set", "next": "https://evil.example/"},
    )

    assert response.url == reverse("wellbeing:person", args=[learner.pk])


def test_the_team_page_is_404_for_someone_who_supervises_no_one(client_as, learner):
    assert client_as(learner).get(reverse("wellbeing:team")).status_code == 404


def test_the_person_sees_the_status_of_their_review_but_not_the_notes(
    client_as, wellbeing_lead, learner, case
):
    review_note_add(actor=wellbeing_lead, case=case, text="Lead's own working note")
    review_case_status_set(actor=wellbeing_lead, case=case, status="contacted")

    page = (
        client_as(learner)
        .get(reverse("wellbeing:checkin_detail", args=[case.checkin_id]))
        .content.decode()
    )

    assert "Contacted" in page
    assert "working note" not in page


def test_the_case_page_gives_the_lead_a_way_to_reach_the_person(
    client_as, wellbeing_lead, case, learner
):
    page = client_as(wellbeing_lead).get(reverse("wellbeing:case", args=[case.pk])).text

    assert f'href="mailto:{learner.email}"' in page
