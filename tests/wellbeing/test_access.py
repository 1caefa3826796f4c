"""Deny by default, over HTTP: answers, scores, notes and requests are visible to the person
and to the wellbeing leads covering their agency, and to nobody else; every lead read leaves
an audit row the person can see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import UserFactory, totp_enrol
from wellbeing.models import AdjustmentFlag, ReviewCase

SECRET = "Private words about a hard week."

DENIED = ["other_lead", "supervisor", "peer", "trainer", "agency_admin", "platform_admin"]


@pytest.fixture
def flagged(make_checkin, learner):
    return make_checkin(learner, [3, 3, 2, 2, 2], free_text=SECRET, wants_to_talk=True)


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(user)
    return user


def content_urls(checkin):
    case = checkin.review_case
    return [
        reverse("wellbeing:checkin_detail", args=[checkin.pk]),
        reverse("wellbeing:case", args=[case.pk]),
        reverse("wellbeing:person", args=[checkin.person.pk]),
    ]


def test_the_person_sees_their_own_check_in(client_as, learner, flagged):
    response = client_as(learner).get(reverse("wellbeing:checkin_detail", args=[flagged.pk]))

    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert "Only you and your wellbeing lead can see your answers" in response.content.decode()


def test_the_person_reading_their_own_check_in_leaves_no_audit_row(client_as, learner, flagged):
    client_as(learner).get(reverse("wellbeing:checkin_detail", args=[flagged.pk]))

    assert not AuditEvent.objects.filter(subject_user=learner).exists()


def test_a_covering_lead_reads_the_free_text_on_the_check_in_and_the_review(
    client_as, wellbeing_lead, flagged
):
    client = client_as(wellbeing_lead)

    for url in content_urls(flagged)[:2]:
        assert SECRET in client.get(url).content.decode()


def test_the_person_gets_404_on_the_lead_pages_about_themself(client_as, learner, flagged):
    client = client_as(learner)

    for url in content_urls(flagged)[1:]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_covering_lead_reads_each_page_and_leaves_an_audit_row(
    client_as, wellbeing_lead, learner, flagged, index
):
    url = content_urls(flagged)[index]

    response = client_as(wellbeing_lead).get(url)

    assert response.status_code == 200
    assert learner.get_full_name() in response.content.decode()
    event = AuditEvent.objects.get(actor=wellbeing_lead, subject_user=learner)
    assert event.action in (
        "wellbeing.checkin_viewed",
        "wellbeing.case_viewed",
        "wellbeing.person_viewed",
    )
    assert SECRET not in str(event.details) and SECRET not in event.target_label


@pytest.mark.parametrize("role", DENIED)
def test_everyone_else_gets_404_on_every_content_page(request, client_as, flagged, role):
    client = client_as(request.getfixturevalue(role))

    for url in content_urls(flagged):
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("role", DENIED)
def test_denied_reads_leave_no_audit_row_about_the_person(
    request, client_as, learner, flagged, role
):
    client = client_as(request.getfixturevalue(role))
    for url in content_urls(flagged):
        client.get(url)

    assert not AuditEvent.objects.filter(subject_user=learner).exists()


def test_a_superuser_gets_404_too(client_as, superuser, flagged):
    client = client_as(superuser)

    for url in content_urls(flagged):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("model", ["checkin", "reviewcase", "reviewentry", "exposureentry",
                                   "adjustmentflag", "personwellbeingsettings"])  # fmt: skip
def test_the_django_admin_does_not_show_content_models(client_as, superuser, flagged, model):
    client = client_as(superuser)

    assert client.get(f"/admin/wellbeing/{model}/").status_code == 404
    assert client.get(f"/admin/wellbeing/{model}/{flagged.pk}/change/").status_code == 404


def test_the_django_admin_index_lists_only_configuration(client_as, superuser, flagged):
    page = client_as(superuser).get("/admin/wellbeing/").content.decode()

    assert "/admin/wellbeing/instrument/" in page
    assert "/admin/wellbeing/checkin/" not in page
    assert SECRET not in page


@pytest.mark.parametrize("role", ["learner", "peer", "supervisor", "trainer", "agency_admin",
                                  "platform_admin", "other_lead"])  # fmt: skip
def test_the_review_queue_is_404_for_anyone_who_covers_no_one_here(
    request, client_as, flagged, role
):
    response = client_as(request.getfixturevalue(role)).get(reverse("wellbeing:queue"))

    if role == "other_lead":
        # Their own (empty for this agency) queue: the flagged check-in is not in it.
        assert response.status_code == 200
        assert flagged.person.get_full_name() not in response.content.decode()
    else:
        assert response.status_code == 404


def test_the_queue_lists_the_flagged_check_in_for_the_covering_lead(
    client_as, wellbeing_lead, learner, flagged
):
    response = client_as(wellbeing_lead).get(reverse("wellbeing:queue"))

    assert learner.get_full_name() in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=wellbeing_lead, subject_user=learner, action="wellbeing.queue_listed"
    ).exists()


def test_a_lead_never_sees_their_own_check_in_in_their_queue(
    client_as, make_checkin, wellbeing_lead
):
    own = make_checkin(wellbeing_lead, wants_to_talk=True)
    client = client_as(wellbeing_lead)

    assert client.get(reverse("wellbeing:case", args=[own.review_case.pk])).status_code == 404
    queue = client.get(reverse("wellbeing:queue")).content.decode()
    assert reverse("wellbeing:case", args=[own.review_case.pk]) not in queue


def test_a_lead_whose_coverage_ended_loses_access(client_as, wellbeing_lead, flagged):
    import datetime

    from accounts.models import WellbeingCoverage

    WellbeingCoverage.objects.filter(lead=wellbeing_lead).update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )

    response = client_as(wellbeing_lead).get(reverse("wellbeing:checkin_detail", args=[flagged.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", DENIED)
def test_forged_case_posts_change_nothing(request, client_as, flagged, role):
    client = client_as(request.getfixturevalue(role))
    case = flagged.review_case

    responses = [
        client.post(reverse("wellbeing:case_status", args=[case.pk]), {"status": "closed"}),
        client.post(reverse("wellbeing:case_note", args=[case.pk]), {"note": "forged"}),
        client.post(reverse("wellbeing:case_follow_up", args=[case.pk]), {"follow_up_on": ""}),
        client.post(reverse("wellbeing:adjustment", args=[flagged.person.pk]), {"action": "set"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert ReviewCase.objects.get(pk=case.pk).status == ReviewCase.Status.NEW
    assert not case.entries.exists()
    assert not AdjustmentFlag.objects.exists()


def test_the_person_sees_who_viewed_their_check_ins(client_as, wellbeing_lead, learner, flagged):
    client_as(wellbeing_lead).get(reverse("wellbeing:checkin_detail", args=[flagged.pk]))

    page = client_as(learner).get(reverse("wellbeing:access")).content.decode()

    assert wellbeing_lead.get_full_name() in page
    assert "Opened one of your check-ins" in page


def test_history_shows_only_the_persons_own_check_ins(client_as, make_checkin, learner, peer):
    make_checkin(peer, free_text="peer's words")
    make_checkin(learner, free_text=SECRET)

    page = client_as(learner).get(reverse("wellbeing:history")).content.decode()

    assert page.count('href="/wellbeing/check-ins/') == 1


def test_hostile_free_text_is_shown_escaped(client_as, make_checkin, learner):
    checkin = make_checkin(learner, free_text='<script>alert("x")</script>')

    page = client_as(learner).get(reverse("wellbeing:checkin_detail", args=[checkin.pk])).content

    assert b"<script>alert" not in page
    assert b"&lt;script&gt;" in page


# The audit trail of a lead's reads must not itself tell staff who was flagged -------------


@pytest.fixture
def lead_read_a_flagged_case(client, unit, wellbeing_lead, make_checkin):
    flagged = UserFactory(unit=unit, agency=unit.agency, full_name="Flagged Person")
    make_checkin(flagged, [0, 0, 1, 0, 1])
    case = ReviewCase.objects.get(person=flagged)
    client.force_login(wellbeing_lead)
    assert client.get(reverse("wellbeing:case", args=[case.pk])).status_code == 200
    client.logout()
    return flagged


def test_agency_admin_audit_list_leaves_out_lead_reads(
    client, agency_admin, lead_read_a_flagged_case
):
    client.force_login(agency_admin)

    page = client.get(reverse("accounts:audit")).content.decode()
    person_page = client.get(
        reverse("accounts:person", args=[lead_read_a_flagged_case.pk])
    ).content.decode()

    assert "wellbeing.case_viewed" not in page
    assert "wellbeing.case_viewed" not in person_page


def test_django_admin_audit_list_leaves_out_lead_reads(
    client, platform_admin, lead_read_a_flagged_case
):
    platform_admin.is_staff = platform_admin.is_superuser = True
    platform_admin.save()
    client.force_login(platform_admin)

    page = client.get(reverse("admin:accounts_auditevent_changelist")).content.decode()

    assert "wellbeing.case_viewed" not in page


def test_the_person_still_sees_who_viewed_their_check_in(
    client, wellbeing_lead, lead_read_a_flagged_case
):
    assert AuditEvent.objects.filter(
        subject_user=lead_read_a_flagged_case, action="wellbeing.case_viewed"
    ).exists()
    client.force_login(lead_read_a_flagged_case)

    page = client.get(reverse("wellbeing:access")).content.decode()

    assert wellbeing_lead.get_full_name() in page


def test_the_profile_access_log_says_in_plain_words_what_the_lead_did(
    client, lead_read_a_flagged_case
):
    client.force_login(lead_read_a_flagged_case)

    page = client.get(reverse("accounts:access_log")).content.decode()

    assert "Your wellbeing lead opened a review" in page
    assert "wellbeing.case_viewed" not in page
