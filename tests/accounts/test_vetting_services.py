"""Vetting and role services: who may act on whom, what changes, what is audited."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts import registries, services
from accounts.models import AuditEvent, Supervision, User, UserSession, WellbeingCoverage
from accounts.roles import AGENCY_ADMIN, SUPERVISOR, TRAINER, WELLBEING_LEAD, user_roles
from tests.accounts.conftest import ROLE_FIXTURES
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

MAY_VET_SAME_AGENCY_PERSON = {"agency_admin", "platform_admin"}


@pytest.fixture
def told(monkeypatch):
    """Capture what accounts asks the notifier to tell people."""
    sent: list[dict] = []
    monkeypatch.setattr(registries, "_notifier", lambda **kw: sent.append(kw))
    return sent


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_approve_permission_matrix(request, role, pending_person, told):
    actor = request.getfixturevalue(role)

    if role in MAY_VET_SAME_AGENCY_PERSON:
        services.user_approve(actor=actor, person=pending_person)
        pending_person.refresh_from_db()
        assert pending_person.vetting_status == User.Vetting.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            services.user_approve(actor=actor, person=pending_person)
        pending_person.refresh_from_db()
        assert pending_person.vetting_status == User.Vetting.PENDING


def test_approve_records_who_when_and_an_audit_row(agency_admin, pending_person, told):
    services.user_approve(actor=agency_admin, person=pending_person)

    pending_person.refresh_from_db()
    assert pending_person.vetted_by == agency_admin
    assert pending_person.vetted_at is not None
    event = AuditEvent.objects.get(action="account.approved")
    assert (event.actor, event.subject_user) == (agency_admin, pending_person)


def test_approve_places_the_person_in_the_chosen_unit(agency_admin, pending_person, unit, told):
    services.user_approve(actor=agency_admin, person=pending_person, unit=unit)

    pending_person.refresh_from_db()
    assert pending_person.unit == unit


def test_approve_refuses_a_unit_of_another_agency(agency_admin, pending_person, other_agency):
    with pytest.raises(ValidationError):
        services.user_approve(
            actor=agency_admin, person=pending_person, unit=UnitFactory(agency=other_agency)
        )
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING


def test_approve_tells_the_person_after_commit(
    agency_admin, pending_person, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_approve(actor=agency_admin, person=pending_person)

    assert len(told) == 1
    assert told[0]["user"] == pending_person
    assert told[0]["kind"] == "account"
    assert told[0]["key"].startswith(f"account-approved:{pending_person.pk}:")


def test_approval_notice_is_in_the_persons_language(
    agency_admin, pending_person, told, django_capture_on_commit_callbacks
):
    pending_person.preferred_language = "fr"
    pending_person.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.user_approve(actor=agency_admin, person=pending_person)

    assert told[0]["title"] == "Votre compte est approuvé"


def test_notifications_registers_notification_send_as_the_notifier():
    from notifications.services import notification_send

    assert registries._notifier is notification_send


def test_approval_puts_a_notice_in_the_inbox_through_notification_send(
    agency_admin, pending_person, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    # No stand-in: the notifier NotificationsConfig.ready() registered.
    with django_capture_on_commit_callbacks(execute=True):
        services.user_approve(actor=agency_admin, person=pending_person)

    assert Notification.objects.filter(user=pending_person, kind="account").count() == 1


def test_approving_an_approved_account_changes_nothing(agency_admin, learner):
    with pytest.raises(ValidationError):
        services.user_approve(actor=agency_admin, person=learner)
    assert not AuditEvent.objects.filter(action="account.approved").exists()


def test_agency_admin_cannot_approve_themself(agency_admin):
    User.objects.filter(pk=agency_admin.pk).update(vetting_status=User.Vetting.PENDING)
    agency_admin.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.user_approve(actor=agency_admin, person=agency_admin)


def test_refuse_needs_a_reason(agency_admin, pending_person):
    with pytest.raises(ValidationError):
        services.user_refuse(actor=agency_admin, person=pending_person, reason="   ")
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING


def test_refuse_stores_the_reason_and_audits(agency_admin, pending_person):
    services.user_refuse(actor=agency_admin, person=pending_person, reason="Not our staff.")

    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.REJECTED
    assert pending_person.vetting_note == "Not our staff."
    assert AuditEvent.objects.filter(action="account.refused", actor=agency_admin).exists()


def test_refuse_only_applies_to_pending_accounts(agency_admin, learner):
    with pytest.raises(ValidationError):
        services.user_refuse(actor=agency_admin, person=learner, reason="x")


def test_other_agency_admin_cannot_refuse(other_agency_admin, pending_person):
    with pytest.raises(PermissionDenied):
        services.user_refuse(actor=other_agency_admin, person=pending_person, reason="x")


def _sessions_of(user) -> int:
    return Session.objects.filter(
        session_key__in=UserSession.objects.filter(user=user).values("session_key")
    ).count()


def test_disable_ends_every_session_of_the_person(agency_admin, learner):
    for _ in range(2):
        Client().force_login(learner)
    assert _sessions_of(learner) == 2

    services.user_disable(actor=agency_admin, person=learner, reason="left the agency")

    learner.refresh_from_db()
    assert learner.is_active is False
    assert learner.disabled_reason == "left the agency"
    assert not UserSession.objects.filter(user=learner).exists()
    assert Session.objects.count() == 0


def test_disable_leaves_other_peoples_sessions(agency_admin, learner, trainer):
    Client().force_login(learner)
    Client().force_login(trainer)

    services.user_disable(actor=agency_admin, person=learner, reason="left")

    assert _sessions_of(trainer) == 1


def test_disabled_persons_open_browser_is_signed_out(agency_admin, learner):
    browser = Client()
    browser.force_login(learner)

    services.user_disable(actor=agency_admin, person=learner, reason="left")
    response = browser.get("/")

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_disable_permission_matrix(request, role, learner):
    actor = request.getfixturevalue(role)

    if role in MAY_VET_SAME_AGENCY_PERSON:
        services.user_disable(actor=actor, person=learner, reason="left")
        learner.refresh_from_db()
        assert learner.is_active is False
    else:
        with pytest.raises(PermissionDenied):
            services.user_disable(actor=actor, person=learner, reason="left")
        learner.refresh_from_db()
        assert learner.is_active is True


def test_admin_cannot_disable_themself(agency_admin):
    with pytest.raises(PermissionDenied):
        services.user_disable(actor=agency_admin, person=agency_admin, reason="oops")


def test_agency_admin_cannot_disable_a_platform_admin_in_their_agency(agency_admin, agency):
    boss = UserFactory(agency=agency, roles=["platform_admin"])

    with pytest.raises(PermissionDenied):
        services.user_disable(actor=agency_admin, person=boss, reason="x")


def test_enable_reopens_the_account_and_restarts_the_inactivity_clock(agency_admin, learner):
    services.user_disable(actor=agency_admin, person=learner, reason="left")

    services.user_enable(actor=agency_admin, person=learner)

    learner.refresh_from_db()
    assert learner.is_active is True
    assert learner.disabled_reason == ""
    assert learner.enabled_at is not None
    assert AuditEvent.objects.filter(action="account.enabled").exists()


def test_enable_an_active_account_is_refused(agency_admin, learner):
    with pytest.raises(ValidationError):
        services.user_enable(actor=agency_admin, person=learner)


# Invitations -------------------------------------------------------------------------------


def test_invite_creates_an_approved_verified_account_without_password(
    agency_admin, agency, unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        person = services.user_invite(
            actor=agency_admin,
            email="Invited@AG.example",
            full_name="Ivy Invited",
            agency=agency,
            unit=unit,
        )

    assert person.email == "invited@ag.example"
    assert person.vetting_status == User.Vetting.APPROVED
    assert person.vetted_by == agency_admin
    assert not person.has_usable_password()
    assert person.emailaddress_set.get().verified
    assert len(callbacks) == 1  # the invitation task, after commit
    assert AuditEvent.objects.filter(action="account.invited", subject_user=person).exists()


def test_invitation_email_holds_a_working_set_password_link(agency_admin, agency, client):
    person = services.user_invite(
        actor=agency_admin, email="ivy@ag.example", full_name="Ivy", agency=agency
    )

    assert services.invitation_email_send(user_id=person.pk, inviter_id=agency_admin.pk)

    message = mail.outbox[-1]
    assert message.to == ["ivy@ag.example"]
    link = next(word for word in message.body.split() if "/password/reset/key/" in word)
    response = client.get(link.split("localhost:8000", 1)[-1], follow=True)
    assert response.status_code == 200
    assert "Choose your password" in response.content.decode()


def test_invitation_is_not_sent_once_a_password_is_set(agency_admin, agency):
    person = services.user_invite(
        actor=agency_admin, email="ivy@ag.example", full_name="Ivy", agency=agency
    )
    person.set_password("a-real-password-123")
    person.save()

    assert services.invitation_email_send(user_id=person.pk) is False
    assert mail.outbox == []


def test_invite_into_another_agency_is_refused(agency_admin, other_agency):
    with pytest.raises(PermissionDenied):
        services.user_invite(
            actor=agency_admin, email="x@other.example", full_name="X", agency=other_agency
        )
    assert not User.objects.filter(email="x@other.example").exists()


def test_invite_an_existing_email_is_refused(agency_admin, agency, learner):
    with pytest.raises(ValidationError):
        services.user_invite(
            actor=agency_admin, email=learner.email.upper(), full_name="X", agency=agency
        )


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_invite_permission_matrix(request, role, agency):
    actor = request.getfixturevalue(role)

    if role in MAY_VET_SAME_AGENCY_PERSON:
        services.user_invite(actor=actor, email="new@ag.example", full_name="N", agency=agency)
        assert User.objects.filter(email="new@ag.example").exists()
    else:
        with pytest.raises(PermissionDenied):
            services.user_invite(actor=actor, email="new@ag.example", full_name="N", agency=agency)


# Roles -------------------------------------------------------------------------------------


def test_agency_admin_grants_trainer_and_the_person_now_needs_mfa(agency_admin, learner):
    services.role_grant(actor=agency_admin, person=learner, role=TRAINER)

    fresh = User.objects.get(pk=learner.pk)
    assert TRAINER in user_roles(fresh)
    assert user_roles(fresh).privileged
    event = AuditEvent.objects.get(action="role.granted")
    assert event.details == {"role": TRAINER}


def test_agency_admin_revokes_trainer(agency_admin, trainer):
    services.role_revoke(actor=agency_admin, person=trainer, role=TRAINER)

    assert TRAINER not in user_roles(User.objects.get(pk=trainer.pk))
    assert AuditEvent.objects.filter(action="role.revoked").exists()


@pytest.mark.parametrize("role", ["platform_admin", "agency_admin", "superuser"])
def test_agency_admin_cannot_grant_admin_roles(agency_admin, learner, role):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=agency_admin, person=learner, role=role)
    assert list(User.objects.get(pk=learner.pk).groups.all()) == []


def test_platform_admin_can_make_an_agency_admin(platform_admin, learner):
    services.role_grant(actor=platform_admin, person=learner, role=AGENCY_ADMIN)

    assert AGENCY_ADMIN in user_roles(User.objects.get(pk=learner.pk))


def test_platform_admin_cannot_make_platform_admins_in_the_app(platform_admin, learner):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=platform_admin, person=learner, role="platform_admin")


def test_role_cannot_be_given_to_a_pending_account(agency_admin, pending_person):
    with pytest.raises(ValidationError):
        services.role_grant(actor=agency_admin, person=pending_person, role=TRAINER)


def test_other_agency_admin_cannot_grant_roles(other_agency_admin, learner):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=other_agency_admin, person=learner, role=TRAINER)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_role_grant_permission_matrix(request, role, learner):
    actor = request.getfixturevalue(role)

    if role in MAY_VET_SAME_AGENCY_PERSON:
        services.role_grant(actor=actor, person=learner, role=TRAINER)
        assert learner.groups.filter(name=TRAINER).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=actor, person=learner, role=TRAINER)
        assert not learner.groups.exists()


def test_supervision_grant_makes_a_supervisor_of_the_unit(agency_admin, learner, unit):
    supervision = services.supervision_grant(actor=agency_admin, person=learner, unit=unit)

    assert SUPERVISOR in user_roles(User.objects.get(pk=learner.pk))
    assert supervision.unit == unit
    assert AuditEvent.objects.filter(action="supervision.granted", subject_user=learner).exists()


def test_supervision_grant_twice_keeps_one_row(agency_admin, learner, unit):
    services.supervision_grant(actor=agency_admin, person=learner, unit=unit)
    services.supervision_grant(actor=agency_admin, person=learner, unit=unit)

    assert Supervision.objects.filter(supervisor=learner).count() == 1


def test_supervision_of_another_agencys_unit_is_refused(agency_admin, learner, other_agency):
    with pytest.raises((PermissionDenied, ValidationError)):
        services.supervision_grant(
            actor=agency_admin, person=learner, unit=UnitFactory(agency=other_agency)
        )
    assert not Supervision.objects.filter(supervisor=learner).exists()


def test_supervision_end_removes_the_role(agency_admin, supervisor):
    supervision = supervisor.supervisions.get()

    services.supervision_end(actor=agency_admin, supervision=supervision)

    assert SUPERVISOR not in user_roles(User.objects.get(pk=supervisor.pk))
    assert AuditEvent.objects.filter(action="supervision.ended").exists()


def test_supervision_that_started_earlier_is_kept_as_history_when_ended(
    agency_admin, supervisor, time_machine
):
    supervision = supervisor.supervisions.get()
    time_machine.move_to(supervision.starts_on.isoformat() + " 12:00", tick=False)
    time_machine.shift(86400 * 10)

    services.supervision_end(actor=agency_admin, supervision=supervision)

    supervision.refresh_from_db()
    assert supervision.ends_on is not None
    assert not Supervision.objects.current().filter(pk=supervision.pk).exists()


def test_wellbeing_coverage_grant_makes_a_wellbeing_lead(agency_admin, learner, agency):
    services.wellbeing_coverage_grant(actor=agency_admin, person=learner, agency=agency)

    assert WELLBEING_LEAD in user_roles(User.objects.get(pk=learner.pk))


def test_agency_admin_cannot_grant_coverage_of_another_agency(agency_admin, learner, other_agency):
    with pytest.raises(PermissionDenied):
        services.wellbeing_coverage_grant(actor=agency_admin, person=learner, agency=other_agency)
    assert not WellbeingCoverage.objects.filter(lead=learner).exists()


def test_wellbeing_coverage_end_removes_the_role(agency_admin, wellbeing_lead):
    coverage = wellbeing_lead.wellbeing_coverages.get()

    services.wellbeing_coverage_end(actor=agency_admin, coverage=coverage)

    assert WELLBEING_LEAD not in user_roles(User.objects.get(pk=wellbeing_lead.pk))


def test_unit_move_rewrites_the_whole_subtree(agency_admin, agency):
    top = UnitFactory(agency=agency)
    middle = UnitFactory(agency=agency, parent=top)
    leaf = UnitFactory(agency=agency, parent=middle)
    other_top = UnitFactory(agency=agency)

    services.unit_move(actor=agency_admin, unit=middle, parent=other_top)

    leaf.refresh_from_db()
    assert leaf.path == f"/{other_top.pk}/{middle.pk}/{leaf.pk}/"


def test_unit_cannot_move_under_its_own_child(agency_admin, agency):
    top = UnitFactory(agency=agency)
    child = UnitFactory(agency=agency, parent=top)

    with pytest.raises(ValidationError):
        services.unit_move(actor=agency_admin, unit=top, parent=child)


def test_unit_move_by_another_agencys_admin_is_refused(other_agency_admin, unit):
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=other_agency_admin, unit=unit, parent=None)


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        ("", "Unknown browser"),
    ],
)
def test_session_device_label_is_readable(agent, label):
    assert UserSession(user_agent=agent).device_label == label


def test_a_grant_made_today_is_current_in_every_time_zone(db, time_machine):
    """Just after midnight UTC it is still yesterday in Toronto; a supervision starting today
    (the site's date, its default) must be current on a page shown in Toronto's zone too
    (mentoring shows pages in the person's zone)."""
    import datetime

    from django.utils import timezone

    time_machine.move_to(datetime.datetime(2026, 11, 24, 0, 30, tzinfo=datetime.UTC), tick=False)
    unit = UnitFactory()
    supervision = Supervision.objects.create(supervisor=UserFactory(agency=unit.agency), unit=unit)

    for zone in ("America/Toronto", "UTC", "Pacific/Auckland"):
        with timezone.override(zone):
            assert Supervision.objects.current().filter(pk=supervision.pk).exists(), zone
