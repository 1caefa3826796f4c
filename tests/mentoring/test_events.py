"""Events: registration, the waiting list and its automatic promotion, changes, cancelling,
attendance with CPD hours, and iCalendar output parsed back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mentoring import selectors, services
from mentoring.models import Event, EventAttendance, EventRegistration
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import EventFactory

Reg = EventRegistration.Status


@pytest.fixture
def event(trainer):
    return EventFactory(organiser=trainer, agency=trainer.agency, capacity=2)


def _people(n):
    return [UserFactory() for _ in range(n)]


def _status(event, person):
    return EventRegistration.objects.get(event=event, user=person).status


def test_registration_confirms_while_places_last_then_queues(event):
    a, b, c, d = _people(4)

    statuses = [services.event_register(actor=p, event=event).status for p in (a, b, c, d)]

    assert statuses == [Reg.CONFIRMED, Reg.CONFIRMED, Reg.WAITLISTED, Reg.WAITLISTED]


def test_registering_twice_changes_nothing(event):
    (a,) = _people(1)
    first = services.event_register(actor=a, event=event)

    second = services.event_register(actor=a, event=event)

    assert first.pk == second.pk
    assert EventRegistration.objects.filter(event=event).count() == 1


def test_an_event_without_a_limit_never_queues(trainer):
    event = EventFactory(organiser=trainer, capacity=None)

    statuses = {services.event_register(actor=p, event=event).status for p in _people(5)}

    assert statuses == {Reg.CONFIRMED}


def test_a_cancelled_place_goes_to_the_first_person_waiting(event):
    a, b, c, d = _people(4)
    for person in (a, b, c, d):
        services.event_register(actor=person, event=event)

    services.event_registration_cancel(actor=a, event=event)

    assert _status(event, a) == Reg.CANCELLED
    assert _status(event, c) == Reg.CONFIRMED
    assert _status(event, d) == Reg.WAITLISTED
    assert Notification.objects.filter(user=c, key__startswith="mentoring:event-promoted").exists()
    assert not Notification.objects.filter(user=d, key__startswith="mentoring:event-promoted")


def test_leaving_the_waiting_list_promotes_nobody(event):
    a, b, c, d = _people(4)
    for person in (a, b, c, d):
        services.event_register(actor=person, event=event)

    services.event_registration_cancel(actor=c, event=event)

    assert _status(event, d) == Reg.WAITLISTED


def test_registering_again_after_cancelling_joins_the_end_of_the_queue(event):
    a, b, c = _people(3)
    for person in (a, b, c):
        services.event_register(actor=person, event=event)
    services.event_registration_cancel(actor=a, event=event)  # c moves up

    again = services.event_register(actor=a, event=event)

    assert again.status == Reg.WAITLISTED
    assert _status(event, c) == Reg.CONFIRMED


def test_raising_the_number_of_places_promotes_people_in_order(event, trainer):
    people = _people(5)
    for person in people:
        services.event_register(actor=person, event=event)

    services.event_update(actor=trainer, event=event, capacity=4)

    assert [_status(event, p) for p in people] == [Reg.CONFIRMED] * 4 + [Reg.WAITLISTED]


def test_fewer_places_than_people_confirmed_is_refused(event, trainer):
    for person in _people(2):
        services.event_register(actor=person, event=event)

    with pytest.raises(ValidationError):
        services.event_update(actor=trainer, event=event, capacity=1)
    event.refresh_from_db()
    assert event.capacity == 2


def test_a_new_time_tells_registrants_and_bumps_the_calendar_sequence(event, trainer):
    (a,) = _people(1)
    services.event_register(actor=a, event=event)

    services.event_update(
        actor=trainer,
        event=event,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
    )

    event.refresh_from_db()
    assert event.sequence == 1
    assert Notification.objects.filter(user=a, key__startswith="mentoring:event-changed").exists()


def test_registration_closes_when_the_event_starts(event):
    (a,) = _people(1)

    with (
        time_machine.travel(event.starts_at + timedelta(minutes=1)),
        pytest.raises(PermissionDenied),
    ):
        services.event_register(actor=a, event=event)


def test_registration_is_refused_for_a_cancelled_event(event, trainer):
    services.event_cancel(actor=trainer, event=event)

    with pytest.raises(PermissionDenied):
        services.event_register(actor=UserFactory(), event=event)


def test_cancelling_tells_everyone_registered(event, trainer):
    a, b, c = _people(3)
    for person in (a, b, c):
        services.event_register(actor=person, event=event)

    services.event_cancel(actor=trainer, event=event, reason="Venue unavailable")

    for person in (a, b, c):
        told = Notification.objects.get(user=person, key__startswith="mentoring:event-cancelled")
        assert told.body == "Venue unavailable"


def test_a_learner_cannot_create_or_change_events(learner, event):
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=learner,
            title="x",
            kind="webinar",
            scope="global",
            mode="online",
            starts_at=timezone.now() + timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=1, hours=1),
        )
    with pytest.raises(PermissionDenied):
        services.event_update(actor=learner, event=event, title="Mine now")


def test_an_event_must_end_after_it_starts(trainer):
    start = timezone.now() + timedelta(days=1)

    with pytest.raises(ValidationError):
        services.event_create(
            actor=trainer,
            title="Backwards",
            kind="webinar",
            scope="global",
            mode="online",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )


def test_an_in_person_event_needs_a_venue(trainer):
    start = timezone.now() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.event_create(
            actor=trainer,
            title="Workshop",
            kind="workshop",
            scope="global",
            mode="in_person",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    assert "location" in error.value.message_dict


def test_a_new_event_is_a_draft_of_the_organisers_agency(trainer):
    start = timezone.now() + timedelta(days=1)

    event = services.event_create(
        actor=trainer,
        title="Webinar",
        kind="webinar",
        scope="regional",
        region="Benelux",
        mode="online",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/Brussels",
    )

    assert event.status == Event.Status.DRAFT
    assert event.agency == trainer.agency


# --- Attendance and the training record ---------------------------------------------------


def test_attendance_records_cpd_hours_on_the_training_record(event, trainer):
    a, b = _people(2)
    for person in (a, b):
        services.event_register(actor=person, event=event)

    with time_machine.travel(event.ends_at + timedelta(minutes=5)):
        added, removed = services.event_attendance_set(actor=trainer, event=event, user_ids=[a.pk])

    assert (added, removed) == (1, 0)
    record = list(selectors.event_attendance_list_for(learner=a))
    assert [(r.event, r.cpd_hours) for r in record] == [(event, Decimal("2.0"))]
    assert selectors.event_cpd_hours_total_for(learner=a) == Decimal("2.0")
    assert selectors.event_attendance_list_for(learner=b).count() == 0


def test_unticking_someone_removes_their_attendance(event, trainer):
    (a,) = _people(1)
    services.event_register(actor=a, event=event)
    with time_machine.travel(event.ends_at):
        services.event_attendance_set(actor=trainer, event=event, user_ids=[a.pk])
        added, removed = services.event_attendance_set(actor=trainer, event=event, user_ids=[])

    assert (added, removed) == (0, 1)
    assert not EventAttendance.objects.exists()


def test_attendance_cannot_be_marked_before_the_event(event, trainer):
    (a,) = _people(1)
    services.event_register(actor=a, event=event)

    with pytest.raises(ValidationError):
        services.event_attendance_set(actor=trainer, event=event, user_ids=[a.pk])


def test_only_people_with_a_place_can_be_marked(event, trainer):
    a, b, c = _people(3)
    for person in (a, b, c):
        services.event_register(actor=person, event=event)  # c is waiting

    with time_machine.travel(event.ends_at), pytest.raises(ValidationError):
        services.event_attendance_set(actor=trainer, event=event, user_ids=[c.pk])
    assert not EventAttendance.objects.exists()


def test_a_forged_attendance_form_changes_nothing(client_as, event, trainer):
    stranger = UserFactory()

    with time_machine.travel(event.ends_at):
        response = client_as(trainer).post(
            reverse("mentoring:event_attendance", args=[event.pk]), {"attended": [stranger.pk]}
        )

    assert response.status_code == 200
    assert not EventAttendance.objects.exists()


# --- iCalendar ----------------------------------------------------------------------------


def _parse(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, [c for c in calendar.walk() if c.name == "VEVENT"]


def test_event_ics_is_valid_icalendar_with_the_right_times(client_as, learner, event):
    response = client_as(learner).get(reverse("mentoring:event_ics", args=[event.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    calendar, items = _parse(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (item,) = items
    assert item["SUMMARY"] == event.title
    assert item.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert item.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert str(item["UID"]).startswith(f"event-{event.pk}@")
    assert item["STATUS"] == "CONFIRMED"


def test_event_ics_escapes_hostile_text(client_as, learner, trainer):
    event = EventFactory(
        organiser=trainer,
        title="Line one\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
        description="a, b; c\\ d",
    )

    response = client_as(learner).get(reverse("mentoring:event_ics", args=[event.pk]))

    _calendar, items = _parse(response.content)
    assert len(items) == 1
    assert str(items[0]["SUMMARY"]) == "Line one BEGIN:VEVENT SUMMARY:injected"
    assert "a, b; c\\ d" in str(items[0]["DESCRIPTION"])


def test_the_personal_feed_lists_registered_events_only(client, client_as, learner, event):
    other = EventFactory(title="Not registered")
    services.event_register(actor=learner, event=event)
    token = services.calendar_feed_issue(actor=learner)

    response = client.get(reverse("mentoring:calendar_feed", args=[token]))

    assert response.status_code == 200
    _calendar, items = _parse(response.content)
    assert [str(i["SUMMARY"]) for i in items] == [event.title]
    assert other.title not in response.text


def test_a_waitlisted_event_is_tentative_and_a_cancelled_one_cancelled(client, trainer):
    full = EventFactory(organiser=trainer, capacity=1, title="Full")
    later = EventFactory(organiser=trainer, title="Later")
    person = UserFactory()
    services.event_register(actor=UserFactory(), event=full)
    services.event_register(actor=person, event=full)
    services.event_register(actor=person, event=later)
    services.event_cancel(actor=trainer, event=later)
    token = services.calendar_feed_issue(actor=person)

    _calendar, items = _parse(client.get(reverse("mentoring:calendar_feed", args=[token])).content)

    statuses = {str(i["SUMMARY"]): str(i["STATUS"]) for i in items}
    assert statuses == {"Full (waiting list)": "TENTATIVE", "Later": "CANCELLED"}


def test_a_new_feed_address_revokes_the_old_one(client, learner):
    old = services.calendar_feed_issue(actor=learner)
    new = services.calendar_feed_issue(actor=learner)

    assert client.get(reverse("mentoring:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("mentoring:calendar_feed", args=[new])).status_code == 200


def test_a_revoked_feed_stops_working(client, learner):
    token = services.calendar_feed_issue(actor=learner)

    services.calendar_feed_revoke(actor=learner)

    assert client.get(reverse("mentoring:calendar_feed", args=[token])).status_code == 404


def test_the_feed_token_is_not_stored(learner):
    from mentoring.models import CalendarFeed

    token = services.calendar_feed_issue(actor=learner)

    assert token not in CalendarFeed.objects.get(user=learner).token_hash


def test_a_guessed_feed_address_is_not_found(client, learner):
    services.calendar_feed_issue(actor=learner)

    assert client.get(reverse("mentoring:calendar_feed", args=["guess"])).status_code == 404


def test_a_disabled_persons_feed_stops_working(client, learner):
    token = services.calendar_feed_issue(actor=learner)
    learner.is_active = False
    learner.save()

    assert client.get(reverse("mentoring:calendar_feed", args=[token])).status_code == 404


def test_the_calendar_page_shows_a_new_address_once(client_as, learner):
    client = client_as(learner)

    shown = client.post(reverse("mentoring:calendar"), {"action": "issue"})
    again = client.get(reverse("mentoring:calendar"))

    assert "/mentoring/calendar/" in shown.text and ".ics" in shown.text
    assert '.ics"' not in again.text.replace("calendar.ics", "")
    assert shown["Cache-Control"] == "private, no-store"


def test_event_times_are_shown_in_the_events_own_time_zone(client_as, learner, trainer):
    from datetime import UTC, datetime

    event = EventFactory(
        organiser=trainer,
        starts_at=datetime(2030, 1, 15, 14, 0, tzinfo=UTC),
        ends_at=datetime(2030, 1, 15, 16, 0, tzinfo=UTC),
        time_zone="America/New_York",
    )

    page = client_as(learner).get(reverse("mentoring:event", args=[event.pk])).text

    assert "09:00" in page  # 14:00 UTC is 09:00 in New York in January (24-hour clock)
    assert "America/New_York" in page


def test_creating_an_event_through_the_form_reads_times_in_its_zone(client_as, trainer):
    from datetime import UTC, datetime

    response = client_as(trainer).post(
        reverse("mentoring:event_new"),
        {
            "title": "Livestreaming: what to preserve",
            "kind": "webinar",
            "scope": "global",
            "mode": "online",
            "time_zone": "Europe/Brussels",
            "start_date": "2030-01-15",
            "start_time": "10:00",
            "end_date": "2030-01-15",
            "end_time": "11:30",
            "cpd_hours": "1.5",
            "capacity": "40",
        },
    )

    event = Event.objects.get(title="Livestreaming: what to preserve")
    assert response.status_code == 302
    assert event.starts_at == datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    assert event.status == Event.Status.DRAFT


def test_an_event_form_ending_before_it_starts_is_refused(client_as, trainer):
    response = client_as(trainer).post(
        reverse("mentoring:event_new"),
        {
            "title": "Backwards",
            "kind": "webinar",
            "scope": "global",
            "mode": "online",
            "time_zone": "Europe/Paris",
            "start_date": "2030-01-15",
            "start_time": "10:00",
            "end_date": "2030-01-15",
            "end_time": "09:00",
            "cpd_hours": "1",
        },
    )

    assert response.status_code == 200
    assert "The end must be after the start." in response.text
    assert not Event.objects.filter(title="Backwards").exists()
