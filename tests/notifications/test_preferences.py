"""Email settings: one choice per registered kind, defaults from the kind, bad input refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.kinds import notification_kinds
from notifications.models import Delivery, NotificationPreference
from notifications.selectors import notification_settings_for
from notifications.services import notification_preferences_set
from tests.notifications.conftest import DIGEST, IMMEDIATE, INBOX_ONLY

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def _form(**overrides) -> dict:
    """A complete submission: every registered kind (other apps add theirs) at its default."""
    data = {f"kind__{kind.code}": kind.default_delivery for kind in notification_kinds()}
    data.update({f"kind__{k}": v for k, v in overrides.items()})
    return data


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_page_shows_every_registered_kind_with_its_default_selected(client_as, learner):
    response = client_as(learner).get(URL)
    content = response.content.decode()

    assert response.status_code == 200
    assert "Account and security" in content and "General announcements" in content
    form = response.context["form"]
    assert form[f"kind__{IMMEDIATE}"].value() == Delivery.IMMEDIATE
    assert form[f"kind__{DIGEST}"].value() == Delivery.DIGEST
    assert form[f"kind__{INBOX_ONLY}"].value() == Delivery.OFF
    assert learner.email in content


def test_saving_stores_the_choices_and_confirms(client_as, learner):
    response = client_as(learner).post(URL, _form(**{DIGEST: Delivery.OFF}), follow=True)

    assert "Your notification settings are saved." in response.content.decode()
    prefs = dict(
        NotificationPreference.objects.filter(user=learner).values_list("kind", "delivery")
    )
    assert prefs[DIGEST] == Delivery.OFF
    assert prefs[IMMEDIATE] == Delivery.IMMEDIATE


def test_the_page_shows_saved_choices(client_as, learner):
    NotificationPreference.objects.create(user=learner, kind=IMMEDIATE, delivery=Delivery.DIGEST)
    form = client_as(learner).get(URL).context["form"]
    assert form[f"kind__{IMMEDIATE}"].value() == Delivery.DIGEST


def test_saving_twice_keeps_one_row_per_kind(client_as, learner):
    client = client_as(learner)
    client.post(URL, _form())
    client.post(URL, _form(**{IMMEDIATE: Delivery.OFF}))
    assert NotificationPreference.objects.filter(user=learner).count() == len(notification_kinds())
    assert NotificationPreference.objects.get(user=learner, kind=IMMEDIATE).delivery == "off"


def test_a_forged_value_is_refused_and_nothing_is_saved(client_as, learner):
    response = client_as(learner).post(URL, _form(**{IMMEDIATE: "sms"}))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved" in content
    assert "Choose one of the options shown." in content
    assert not NotificationPreference.objects.exists()


def test_a_missing_choice_is_refused(client_as, learner):
    data = _form()
    del data[f"kind__{DIGEST}"]
    response = client_as(learner).post(URL, data)
    assert "Choose how you want to hear about this." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_an_unknown_kind_in_the_post_is_ignored(client_as, learner):
    client_as(learner).post(URL, {**_form(), "kind__made.up": "immediate"})
    assert not NotificationPreference.objects.filter(kind="made.up").exists()


def test_settings_are_only_ever_my_own(client_as, learner, other_agency_learner):
    client_as(learner).post(URL, {**_form(), "user": other_agency_learner.pk})
    assert not NotificationPreference.objects.filter(user=other_agency_learner).exists()


def test_service_refuses_an_unknown_kind(learner):
    with pytest.raises(ValueError):
        notification_preferences_set(actor=learner, deliveries={"made.up": "off"})


def test_service_refuses_an_unknown_delivery(learner):
    with pytest.raises(ValueError):
        notification_preferences_set(actor=learner, deliveries={IMMEDIATE: "pigeon"})
    assert not NotificationPreference.objects.exists()


def test_service_counts_only_real_changes(learner):
    assert notification_preferences_set(actor=learner, deliveries={IMMEDIATE: "immediate"}) == 0
    assert notification_preferences_set(actor=learner, deliveries={IMMEDIATE: "off"}) == 1


def test_settings_selector_is_one_query(learner, django_assert_num_queries):
    with django_assert_num_queries(1):
        settings = notification_settings_for(user=learner)
    assert {s.code for s in settings} >= {IMMEDIATE, DIGEST, INBOX_ONLY}


def test_page_is_in_french_for_a_french_speaker(client_as, learner):
    learner.preferred_language = "fr"
    learner.save()
    content = client_as(learner).get(URL).content.decode()
    assert "Paramètres de notification" in content
    assert "Récapitulatif quotidien par e-mail" in content
