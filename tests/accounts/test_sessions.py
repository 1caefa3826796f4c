"""Session rules (DESIGN section 10): throttle, new id at sign-in, idle and absolute
timeouts, disabling ends sessions, unused accounts disabled by a daily job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts import tasks
from accounts.models import AuditEvent, JobRun, User, UserSession
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


# Throttle ----------------------------------------------------------------------------------


def test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password(
    client, learner
):
    for _ in range(5):
        assert _login(client, learner.email, "wrong-password").status_code == 200

    response = _login(client, learner.email, DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in " ".join(_errors(response))
    assert "_auth_user_id" not in client.session


def test_throttle_answer_is_the_same_for_known_and_unknown_accounts(learner):
    answers = []
    for email in (learner.email, "nobody@ag.example"):
        client = Client()
        for _ in range(5):
            _login(client, email, "wrong-password")
        response = _login(client, email, "wrong-password")
        answers.append((response.status_code, _errors(response)))

    assert answers[0] == answers[1]
    assert "Too many failed login attempts" in " ".join(answers[0][1])


def test_failed_answer_is_the_same_for_known_and_unknown_accounts(learner):
    known = _login(Client(), learner.email, "wrong-password")
    unknown = _login(Client(), "nobody@ag.example", "wrong-password")

    assert _errors(known) == _errors(unknown)


def test_four_failures_do_not_lock_the_person_out(client, learner):
    for _ in range(4):
        _login(client, learner.email, "wrong-password")

    _login(client, learner.email, DEFAULT_PASSWORD)

    assert client.session["_auth_user_id"] == str(learner.pk)


def test_throttle_lifts_after_fifteen_minutes(client, learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(5):
        _login(client, learner.email, "wrong-password")

    time_machine.shift(timedelta(minutes=16))
    _login(client, learner.email, DEFAULT_PASSWORD)

    assert client.session["_auth_user_id"] == str(learner.pk)


# Session id, idle and absolute timeouts -----------------------------------------------------


def test_signing_in_gives_a_new_session_id(client, learner):
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    _login(client, learner.email, DEFAULT_PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(user=learner, session_key=after).exists()


def test_idle_session_ends_after_thirty_minutes(client, learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _login(client, learner.email, DEFAULT_PASSWORD)
    assert client.get(reverse("home")).status_code == 200

    time_machine.shift(timedelta(minutes=31))
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_activity_keeps_the_session_alive_past_thirty_minutes(client, learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _login(client, learner.email, DEFAULT_PASSWORD)

    for _ in range(3):
        time_machine.shift(timedelta(minutes=20))
        assert client.get(reverse("home")).status_code == 200


def test_pages_within_a_minute_do_not_write_the_session(
    client, learner, time_machine, django_assert_num_queries
):
    time_machine.move_to(timezone.now(), tick=False)
    _login(client, learner.email, DEFAULT_PASSWORD)
    client.get(reverse("home"))
    expire_before = Session.objects.get(session_key=client.session.session_key).expire_date

    time_machine.shift(timedelta(seconds=30))
    client.get(reverse("home"))

    assert Session.objects.get(session_key=client.session.session_key).expire_date == expire_before


def test_a_page_after_a_minute_renews_the_idle_window(client, learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _login(client, learner.email, DEFAULT_PASSWORD)
    client.get(reverse("home"))
    expire_before = Session.objects.get(session_key=client.session.session_key).expire_date

    time_machine.shift(timedelta(minutes=2))
    client.get(reverse("home"))

    expire_after = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expire_after - expire_before == timedelta(minutes=2)


def test_session_ends_after_twelve_hours_even_when_active(client, learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _login(client, learner.email, DEFAULT_PASSWORD)
    for _ in range(28):  # 28 x 25 min = 11 h 40 min, always within the idle window
        time_machine.shift(timedelta(minutes=25))
        assert client.get(reverse("home")).status_code == 200

    time_machine.shift(timedelta(minutes=25))
    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "time limit" in response.content.decode()
    assert "_auth_user_id" not in client.session


# Inactivity --------------------------------------------------------------------------------


def _aged(*, last_login_days: int | None, joined_days: int = 400, **extra) -> User:
    now = timezone.now()
    return UserFactory(
        date_joined=now - timedelta(days=joined_days),
        last_login=(now - timedelta(days=last_login_days)) if last_login_days is not None else None,
        **extra,
    )


def test_account_unused_for_more_than_ninety_days_is_disabled():
    stale = _aged(last_login_days=91)

    result = tasks.disable_inactive_accounts()

    stale.refresh_from_db()
    assert stale.is_active is False
    assert result == {"disabled": 1}


def test_account_used_within_ninety_days_stays_active():
    recent = _aged(last_login_days=89)

    tasks.disable_inactive_accounts()

    recent.refresh_from_db()
    assert recent.is_active is True


def test_account_never_used_counts_from_the_day_it_joined():
    never_old = _aged(last_login_days=None, joined_days=91)
    never_new = _aged(last_login_days=None, joined_days=10)

    tasks.disable_inactive_accounts()

    never_old.refresh_from_db()
    never_new.refresh_from_db()
    assert (never_old.is_active, never_new.is_active) == (False, True)


def test_recently_re_enabled_account_is_not_disabled_again():
    person = _aged(last_login_days=200, enabled_at=timezone.now() - timedelta(days=3))

    tasks.disable_inactive_accounts()

    person.refresh_from_db()
    assert person.is_active is True


def test_inactivity_days_come_from_the_setting(settings):
    settings.ACCOUNT_INACTIVITY_DISABLE_DAYS = 30
    person = _aged(last_login_days=31)

    tasks.disable_inactive_accounts()

    person.refresh_from_db()
    assert person.is_active is False


def test_inactivity_job_writes_a_system_audit_row_and_ends_sessions():
    person = _aged(last_login_days=120)
    Client().force_login(person)
    User.objects.filter(pk=person.pk).update(last_login=timezone.now() - timedelta(days=120))

    tasks.disable_inactive_accounts()

    event = AuditEvent.objects.get(action="account.disabled_inactive")
    assert (event.actor, event.actor_label, event.subject_user) == (None, "system", person)
    assert not UserSession.objects.filter(user=person).exists()


def test_inactivity_job_runs_once_per_day():
    _aged(last_login_days=120)
    tasks.disable_inactive_accounts()
    _aged(last_login_days=120)

    assert tasks.disable_inactive_accounts() is None
    assert JobRun.objects.filter(job="disable-inactive-accounts").count() == 1
    assert User.objects.filter(is_active=False).count() == 1


def test_inactivity_job_is_scheduled_daily_by_beat():
    job = PeriodicTask.objects.get(task="accounts.disable_inactive_accounts")

    assert job.enabled
    assert (job.crontab.hour, job.crontab.day_of_week, job.crontab.day_of_month) == ("2", "*", "*")


def test_session_purge_job_forgets_ended_sessions(learner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    Client().force_login(learner)
    time_machine.shift(timedelta(hours=1))

    result = tasks.session_purge_expired()

    assert result == {"forgotten": 1}
    assert not UserSession.objects.exists()
    assert PeriodicTask.objects.filter(task="accounts.session_purge_expired").exists()


def test_operator_can_re_enable_an_account_from_the_console(learner):
    from io import StringIO

    from django.core.management import call_command

    User.objects.filter(pk=learner.pk).update(is_active=False, disabled_reason="not used")
    out = StringIO()

    call_command("account_enable", learner.email.upper(), stdout=out)

    learner.refresh_from_db()
    assert learner.is_active is True
    assert AuditEvent.objects.get(action="account.enabled").actor_label == "system"


def test_account_enable_command_reports_an_unknown_email():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("account_enable", "nobody@ag.example")


# Behind the proxy: the client's address, not the proxy's ------------------------------------


def test_audit_rows_record_the_client_address_given_by_the_trusted_proxy(settings, learner):
    from django.test import RequestFactory

    from accounts.models import AuditEvent
    from accounts.services import audit_record

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    audit_record(actor=learner, action="test.read", target=learner, request=request)

    # The entry the proxy appended; the client-written 6.6.6.6 is not trusted.
    assert AuditEvent.objects.get(action="test.read").ip_address == "203.0.113.7"


def test_failed_logins_from_other_clients_behind_the_proxy_do_not_lock_out_a_user(
    settings, learner
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    for n in range(31):
        attacker.post(
            reverse("account_login"), {"login": f"nobody{n}@nps.example", "password": "wrong"}
        )

    colleague = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = _login(colleague, learner.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert client_is_signed_in(colleague)


def client_is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
