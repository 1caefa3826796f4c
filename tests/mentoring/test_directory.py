"""The peer directory: opt-in listing, search and filters across countries, withdrawal, and
contact requests that share an email only after the peer accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profession
from mentoring import selectors, services
from mentoring.models import ContactRequest, DirectoryProfile
from notifications.models import Notification
from tests.factories import AgencyFactory, CountryFactory, UnitFactory, UserFactory

from .factories import DirectoryProfileFactory, TopicTagFactory


def _person(country_code: str, name: str, **kwargs):
    country = CountryFactory(
        code=country_code, name={"BE": "Belgium", "FR": "France"}.get(country_code, country_code)
    )
    agency = AgencyFactory(country=country)
    return UserFactory(full_name=name, unit=UnitFactory(agency=agency), agency=agency, **kwargs)


@pytest.fixture
def directory(db):
    sextortion = TopicTagFactory(slug="financial-sextortion", name="Financial sextortion")
    forensics = TopicTagFactory(slug="digital-forensics", name="Digital forensics")
    prosecutor = Profession.objects.get_or_create(
        code="prosecutor", defaults={"name": "Prosecutor"}
    )[0]
    ines = DirectoryProfileFactory(
        user=_person("BE", "Ines Janssens"), languages=",en,fr,nl,", expertise=[sextortion]
    )
    eli = DirectoryProfileFactory(
        user=_person("FR", "Eli Garnier"),
        languages=",fr,",
        expertise=[forensics],
        about="Triage of seized devices",
    )
    paula = DirectoryProfileFactory(
        user=_person("FR", "Paula Roux", profession=prosecutor), languages=",fr,", expertise=[]
    )
    return {
        "ines": ines,
        "eli": eli,
        "paula": paula,
        "sextortion": sextortion,
        "forensics": forensics,
        "prosecutor": prosecutor,
    }


def _names(rows):
    return [str(p.user) for p in rows]


def test_listing_is_opt_in(learner, directory):
    assert "learner" not in _names(
        selectors.directory_profile_list_search(user=directory["ines"].user)
    )
    assert not DirectoryProfile.objects.filter(user=learner).exists()


def test_the_searcher_is_not_listed_to_themself(directory):
    rows = selectors.directory_profile_list_search(user=directory["ines"].user)

    assert "Ines Janssens" not in _names(rows)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Eli Garnier", "Ines Janssens", "Paula Roux"]),
        ({"language": "nl"}, ["Ines Janssens"]),
        ({"language": "fr"}, ["Eli Garnier", "Ines Janssens", "Paula Roux"]),
        ({"text": "janssens"}, ["Ines Janssens"]),
        ({"text": "seized"}, ["Eli Garnier"]),
        ({"text": "sextortion"}, ["Ines Janssens"]),
        ({"text": "nobody-matches-this"}, []),
    ],
)
def test_search_and_filters(learner, directory, filters, expected):
    assert _names(selectors.directory_profile_list_search(user=learner, **filters)) == expected


def test_filter_by_country_finds_peers_abroad(learner, directory):
    belgium = directory["ines"].user.agency.country

    rows = selectors.directory_profile_list_search(user=learner, country=belgium.pk)

    assert _names(rows) == ["Ines Janssens"]


def test_filter_by_profession_and_tag(learner, directory):
    assert _names(
        selectors.directory_profile_list_search(user=learner, profession=directory["prosecutor"].pk)
    ) == ["Paula Roux"]
    assert _names(
        selectors.directory_profile_list_search(user=learner, tag=directory["forensics"].pk)
    ) == ["Eli Garnier"]


def test_disabled_or_unapproved_people_drop_out_of_the_directory(learner, directory):
    User = type(learner)
    User.objects.filter(pk=directory["eli"].user_id).update(is_active=False)
    User.objects.filter(pk=directory["paula"].user_id).update(vetting_status="rejected")

    assert _names(selectors.directory_profile_list_search(user=learner)) == ["Ines Janssens"]


def test_the_directory_page_paginates_at_25(client_as, learner):
    for i in range(27):
        DirectoryProfileFactory(user=UserFactory(full_name=f"Peer {i:02d}"))

    first = client_as(learner).get(reverse("mentoring:directory"))
    second = client_as(learner).get(reverse("mentoring:directory") + "?page=2")

    assert first.text.count('class="card"') == 25
    assert second.text.count('class="card"') == 2
    assert "Page 2 of 2" in second.text


def test_a_hostile_search_is_harmless(client_as, learner, directory):
    response = client_as(learner).get(
        reverse("mentoring:directory"),
        {
            "q": "<script>alert(1)</script>",
            "country": "not-a-number",
            "language": "xx",
            "page": "-1",
        },
    )

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_listing_yourself_needs_an_official_channel(learner):
    with pytest.raises(ValidationError):
        services.directory_profile_save(
            actor=learner, expertise=[], languages=["fr"], official_contact=""
        )


def test_withdrawing_closes_requests_waiting_for_you_as_not_accepted(directory, learner):
    peer = directory["ines"]
    services.contact_request_send(actor=learner, profile=peer)

    services.directory_profile_withdraw(actor=peer.user)

    assert not DirectoryProfile.objects.filter(user=peer.user).exists()
    assert ContactRequest.objects.get(requester=learner).status == ContactRequest.Status.DECLINED


# --- Contact requests ---------------------------------------------------------------------


def test_a_contact_request_tells_the_peer_without_the_email(directory, learner):
    peer = directory["ines"]

    services.contact_request_send(actor=learner, profile=peer, topic=directory["sextortion"])

    told = Notification.objects.get(user=peer.user, kind="mentoring.contact")
    assert str(learner) in told.title
    assert learner.email not in told.title + told.body


def test_a_topic_must_be_one_of_the_peers(directory, learner):
    with pytest.raises(ValidationError):
        services.contact_request_send(
            actor=learner, profile=directory["ines"], topic=directory["forensics"]
        )


def test_a_second_request_while_one_waits_is_refused(directory, learner):
    services.contact_request_send(actor=learner, profile=directory["ines"])

    with pytest.raises(ValidationError):
        services.contact_request_send(actor=learner, profile=directory["ines"])
    assert ContactRequest.objects.count() == 1


def test_accepting_tells_the_requester(directory, learner):
    contact = services.contact_request_send(actor=learner, profile=directory["ines"])

    services.contact_request_accept(actor=directory["ines"].user, contact_request=contact)

    assert Notification.objects.filter(
        user=learner, key__startswith="mentoring:contact-accepted"
    ).exists()


def test_declining_is_silent(directory, learner):
    contact = services.contact_request_send(actor=learner, profile=directory["ines"])

    services.contact_request_decline(actor=directory["ines"].user, contact_request=contact)

    assert not Notification.objects.filter(user=learner).exists()


def test_after_a_decline_the_requester_waits_before_asking_again(directory, learner):
    peer = directory["ines"]
    contact = services.contact_request_send(actor=learner, profile=peer)
    services.contact_request_decline(actor=peer.user, contact_request=contact)

    with pytest.raises(ValidationError):
        services.contact_request_send(actor=learner, profile=peer)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.contact_request_send(actor=learner, profile=peer)


def test_a_request_cannot_be_answered_twice(directory, learner):
    contact = services.contact_request_send(actor=learner, profile=directory["ines"])
    services.contact_request_accept(actor=directory["ines"].user, contact_request=contact)

    with pytest.raises(PermissionDenied):
        services.contact_request_decline(actor=directory["ines"].user, contact_request=contact)


def test_too_many_unanswered_requests_are_refused(learner):
    for i in range(services.directory.MAX_PENDING_SENT):
        services.contact_request_send(
            actor=learner, profile=DirectoryProfileFactory(user=UserFactory(full_name=f"P{i}"))
        )

    with pytest.raises(ValidationError):
        services.contact_request_send(actor=learner, profile=DirectoryProfileFactory())
