"""The platform starts: pages render, headers are set, roles show."""

import pytest


@pytest.mark.django_db
def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_home_shows_the_learners_roles(client_as, learner):
    response = client_as(learner).get("/")
    assert response.status_code == 200
    assert "Learner" in response.content.decode()


def test_every_html_response_carries_the_security_headers(client_as, learner):
    response = client_as(learner).get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_privileged_user_without_mfa_is_sent_to_enrol(client, unit):
    from tests.factories import UserFactory

    trainer = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
    client.force_login(trainer)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"


def test_privileged_user_with_mfa_reaches_home(client_as, trainer):
    response = client_as(trainer).get("/")
    assert response.status_code == 200
    assert "Trainer" in response.content.decode()
