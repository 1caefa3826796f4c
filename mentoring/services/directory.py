"""Writes for the peer directory and contact requests.

A contact request carries no message. The requester's official email is shown to the peer
only once the peer accepts; a decline is silent (the requester sees "not accepted")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import TopicTag

from ..languages import languages_encode
from ..models import ContactRequest, DirectoryProfile
from ..people import person_country
from .common import KIND_CONTACT, lazy_format, notify, require, url

# Bounds against misuse of the directory: at most this many unanswered requests at once,
# and no new request to someone who said no within this time.
MAX_PENDING_SENT = 10
DECLINE_COOL_OFF = timedelta(days=90)


@transaction.atomic
def directory_profile_save(
    *,
    actor: User,
    expertise: Iterable[TopicTag | int],
    languages: Iterable[str],
    official_contact: str,
    about: str = "",
) -> DirectoryProfile:
    """List the actor in the peer directory, or update their entry."""
    require(actor, "mentoring.use_directory")
    ids = {t.pk if isinstance(t, TopicTag) else int(t) for t in expertise}
    tags = list(TopicTag.objects.filter(pk__in=ids))
    if len(tags) != len(ids):
        raise ValidationError({"expertise": _("Choose topics from the list.")})
    profile = DirectoryProfile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        profile = DirectoryProfile(user=actor)
    profile.languages = languages_encode(languages)
    profile.official_contact = (official_contact or "").strip()
    profile.about = (about or "").strip()
    profile.updated_at = timezone.now()
    profile.full_clean()
    profile.save()
    profile.expertise.set(tags)
    return profile


@transaction.atomic
def directory_profile_withdraw(*, actor: User) -> bool:
    """Remove the actor from the directory at once. Requests waiting for their answer are
    closed as not accepted. False when they were not listed."""
    deleted, _counts = DirectoryProfile.objects.filter(user=actor).delete()
    ContactRequest.objects.filter(peer=actor, status=ContactRequest.Status.PENDING).update(
        status=ContactRequest.Status.DECLINED, responded_at=timezone.now()
    )
    return bool(deleted)


@transaction.atomic
def contact_request_send(
    *, actor: User, profile: DirectoryProfile, topic: TopicTag | None = None
) -> ContactRequest:
    """Ask a listed peer to exchange official contact details. The peer sees the actor's
    name, agency, country and profession (and the topic), not their email, until they
    accept."""
    require(actor, "mentoring.request_contact", profile)
    peer = profile.user
    if not (peer.is_active and peer.is_approved):
        raise ValidationError(_("This person is no longer in the directory."))
    if topic is not None and not profile.expertise.filter(pk=topic.pk).exists():
        raise ValidationError({"topic": _("Choose one of this person's topics.")})
    previous = ContactRequest.objects.filter(requester=actor, peer=peer)
    if previous.filter(status=ContactRequest.Status.PENDING).exists():
        raise ValidationError(_("Your request to this person is waiting for their answer."))
    if previous.filter(status=ContactRequest.Status.ACCEPTED).exists():
        raise ValidationError(_("This person already accepted a request from you."))
    if previous.filter(
        status=ContactRequest.Status.DECLINED, responded_at__gte=timezone.now() - DECLINE_COOL_OFF
    ).exists():
        raise ValidationError(_("You cannot send this person another request yet."))
    pending = ContactRequest.objects.filter(
        requester=actor, status=ContactRequest.Status.PENDING
    ).count()
    if pending >= MAX_PENDING_SENT:
        raise ValidationError(
            lazy_format(
                _(
                    "You have %(count)s requests waiting for an answer. "
                    "Wait for some answers first."
                ),
                {"count": pending},
            )
        )
    contact = ContactRequest(requester=actor, peer=peer, topic=topic)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError(
            _("Your request to this person is waiting for their answer.")
        ) from None
    country = person_country(actor) or ""
    notify(
        peer,
        kind=KIND_CONTACT,
        title=lazy_format(
            _("%(name)s (%(agency)s, %(country)s) would like to exchange contact details"),
            {"name": actor, "agency": actor.agency or "", "country": country},
        ),
        body=_("Your email is shared only if you accept. Declining is not shown to them."),
        url=url("mentoring:contacts"),
        key=f"mentoring:contact:{contact.pk}",
    )
    return contact


def _contact_set_status(
    *, actor: User, contact_request: ContactRequest, perm: str, status: str
) -> ContactRequest:
    """Lock the request, check `perm` on its current state, record the answer."""
    contact_request = ContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    require(actor, perm, contact_request)
    contact_request.status = status
    contact_request.responded_at = timezone.now()
    contact_request.save(update_fields=["status", "responded_at"])
    return contact_request


@transaction.atomic
def contact_request_accept(*, actor: User, contact_request: ContactRequest) -> ContactRequest:
    contact_request = _contact_set_status(
        actor=actor,
        contact_request=contact_request,
        perm="mentoring.answer_contact",
        status=ContactRequest.Status.ACCEPTED,
    )
    notify(
        contact_request.requester,
        kind=KIND_CONTACT,
        title=lazy_format(_("%(name)s accepted your contact request"), {"name": actor}),
        body=_("You can now see each other's official email on your contacts page."),
        url=url("mentoring:contacts"),
        key=f"mentoring:contact-accepted:{contact_request.pk}",
    )
    return contact_request


@transaction.atomic
def contact_request_decline(*, actor: User, contact_request: ContactRequest) -> ContactRequest:
    """Silent: the requester is not told, and later sees only "not accepted"."""
    return _contact_set_status(
        actor=actor,
        contact_request=contact_request,
        perm="mentoring.answer_contact",
        status=ContactRequest.Status.DECLINED,
    )


@transaction.atomic
def contact_request_withdraw(*, actor: User, contact_request: ContactRequest) -> ContactRequest:
    return _contact_set_status(
        actor=actor,
        contact_request=contact_request,
        perm="mentoring.withdraw_contact",
        status=ContactRequest.Status.WITHDRAWN,
    )
