"""Quiz attempts: start (draw and shuffle), submit (validate, score, give feedback)."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.models import User
from accounts.services import audit_record
from notifications.services import notification_send

from ..models import Enrolment, Module, ModuleProgress, QuizAttempt, QuizAttemptGrant
from ._common import percent, require
from .enrolment_state import enrolment_state_refresh
from .learning import enrolment_completion_check, module_progress_refresh
from .recertification import refresher_quiz_record, renewal_started_for

SHORT_TEXT_MAX = 300
_random = random.SystemRandom()


def answer_normalise(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter in short text answers."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def quiz_attempt_blocker(*, user: User, module: Module, now=None) -> str | None:
    """Why `user` cannot start a new attempt now (None when they can)."""
    version = module.current_version
    if version is None or not version.has_quiz:
        return _("This module has no quiz.")
    attempts = QuizAttempt.objects.filter(user=user, module=module, submitted_at__isnull=False)
    # Renewing the certificate: the quiz is taken again, attempts counted from the renewal.
    since = renewal_started_for(user=user, module=module)
    if since is not None:
        attempts = attempts.filter(started_at__gte=since)
    if attempts.filter(passed=True).exists():
        return _("You have already passed this quiz.")
    if version.attempt_limit:
        used = attempts.count()
        # The extra attempts a trainer gave are read only once the course's own are used up.
        if used >= version.attempt_limit:
            allowed = version.attempt_limit + extra_attempts_for(
                user=user, module=module, since=since
            )
            if used >= allowed:
                return _(
                    "You have used all %(n)s attempts. Ask a trainer of the course for help."
                ) % {"n": allowed}
    last = attempts.order_by("-submitted_at").first()
    if last and last.submitted_at and version.cooldown_minutes:
        ready_at = last.submitted_at + timedelta(minutes=version.cooldown_minutes)
        if ready_at > (now or timezone.now()):
            return _("You can try again from %(time)s. A pause often helps.") % {
                "time": formats.date_format(timezone.localtime(ready_at), "DATETIME_FORMAT")
            }
    return None


def extra_attempts_for(*, user: User, module: Module, since=None) -> int:
    """Attempts trainers gave the learner at the module's quiz (since a renewal's start)."""
    grants = QuizAttemptGrant.objects.filter(user=user, module=module)
    if since is not None:
        grants = grants.filter(granted_at__gte=since)
    return grants.aggregate(n=Sum("extra"))["n"] or 0


@transaction.atomic
def quiz_attempts_grant(
    *, actor: User, module: Module, learner: User, extra: int, granted_before: int
) -> QuizAttemptGrant:
    """A trainer of the course gives an enrolled learner `extra` more attempts at the
    module's quiz. `granted_before` is what the trainer saw as already given: a double submit
    (or two trainers at once) then changes nothing and says so."""
    require(actor, "courses.edit_course", module.course)
    # Lock the enrolment: grants to one learner are decided one at a time.
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=learner, course=module.course).first()
    )
    if enrolment is None:
        raise ValidationError(_("This person is not enrolled in the course."))
    if not 1 <= extra <= QuizAttemptGrant.MAX_EXTRA:
        raise ValidationError(
            _("Give between 1 and %(n)s attempts.") % {"n": QuizAttemptGrant.MAX_EXTRA}
        )
    if extra_attempts_for(user=learner, module=module) != granted_before:
        raise ValidationError(_("Someone already gave attempts in the meantime: nothing changed."))
    grant = QuizAttemptGrant.objects.create(
        user=learner, module=module, extra=extra, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="courses.quiz_attempts_grant",
        target=module,
        subject_user=learner,
        details={"extra": extra},
    )
    notification_send(
        user=learner,
        kind="courses.attempts",
        title=gettext_lazy("You can take the quiz again: %(title)s") % {"title": module.title},
        body=ngettext_lazy(
            "A trainer of the course gave you %(n)s more attempt.",
            "A trainer of the course gave you %(n)s more attempts.",
            extra,
        )
        % {"n": extra},
        url=reverse("courses:quiz", args=[module.course.slug, module.pk]),
        key=f"courses.quiz_attempts_grant:{grant.pk}",
    )
    return grant


@transaction.atomic
def quiz_attempt_start(*, actor: User, module: Module) -> QuizAttempt:
    """Start an attempt at the module's current quiz, or return the open one."""
    course = module.course
    require(actor, "courses.view_course", course)
    # Lock the enrolment so that two starts at once make one attempt.
    enrolment = Enrolment.objects.select_for_update().filter(user=actor, course=course).first()
    if enrolment is None:
        raise ValidationError(_("Enrol in the course first."))
    current = QuizAttempt.objects.filter(user=actor, module=module, submitted_at__isnull=True)
    open_attempt = current.first()
    if open_attempt is not None:
        return open_attempt
    blocker = quiz_attempt_blocker(user=actor, module=module)
    if blocker:
        raise ValidationError(blocker)
    version = module.current_version
    assert version is not None  # quiz_attempt_blocker refused a module without one
    questions = list(version.quiz)
    if version.draw_count and version.draw_count < len(questions):
        questions = _random.sample(questions, version.draw_count)
    else:
        _random.shuffle(questions)
    layout = []
    for question in questions:
        keys = [choice["key"] for choice in question["choices"]]
        if question["kind"] != "true_false":
            _random.shuffle(keys)
        layout.append({"key": question["key"], "choices": keys})
    number = (
        QuizAttempt.objects.filter(user=actor, module=module).aggregate(m=Max("number"))["m"] or 0
    ) + 1
    if enrolment.started_at is None:
        enrolment.started_at = timezone.now()
        enrolment.save(update_fields=["started_at"])
        enrolment_state_refresh(enrolments=[enrolment])
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                user=actor, module=module, module_version=version, number=number, layout=layout
            )
    except IntegrityError:  # another request opened one first
        return QuizAttempt.objects.get(user=actor, module=module, submitted_at__isnull=True)


def _order_from_places(places: dict, offered: list[str]) -> list[str]:
    """{option key: "place number"} -> option keys in the learner's order."""
    if set(places) != set(offered):
        raise ValidationError(_("That answer is not one of the options. Nothing was saved."))
    if not all(str(p).strip().isdigit() for p in places.values()):
        raise ValidationError(_("Answer every question."))
    numbers = {key: int(str(p).strip()) for key, p in places.items()}
    if sorted(numbers.values()) != list(range(1, len(offered) + 1)):
        raise ValidationError(_("Give each item a different place."))
    return sorted(numbers, key=numbers.__getitem__)


def _check_answer(question: dict, offered: list[str], raw) -> tuple[object, bool]:
    """Validate one answer against what was offered; returns (stored answer, correct).
    ValidationError for anything the form could not have sent (a forged id)."""
    kind = question["kind"]
    correct_keys = [c["key"] for c in question["choices"] if c["correct"]]
    if kind == "ordering" and isinstance(raw, dict):
        raw = _order_from_places(raw, offered)
    if isinstance(raw, dict):
        raise ValidationError(_("That answer is not one of the options. Nothing was saved."))
    values = [raw] if isinstance(raw, str) else list(raw or [])
    if kind == "short_text":
        text = (values[0] if values else "").strip()
        if not text:
            raise ValidationError(_("Answer every question."))
        if len(text) > SHORT_TEXT_MAX or len(values) > 1:
            raise ValidationError(_("That answer is too long."))
        accepted = {answer_normalise(a) for a in question["accepted"]}
        return text, answer_normalise(text) in accepted
    if not values:
        raise ValidationError(_("Answer every question."))
    if any(not isinstance(v, str) or v not in offered for v in values):
        raise ValidationError(_("That answer is not one of the options. Nothing was saved."))
    if kind in ("single", "true_false"):
        if len(values) != 1:
            raise ValidationError(_("Choose one answer."))
        return values, values[0] in correct_keys
    if kind == "multiple":
        chosen = sorted(set(values))
        if len(chosen) != len(values):
            raise ValidationError(_("That answer is not one of the options. Nothing was saved."))
        return chosen, set(chosen) == set(correct_keys)
    if kind == "ordering":
        if sorted(values) != sorted(offered):
            raise ValidationError(_("Give each item a different place."))
        right = [c["key"] for c in sorted(question["choices"], key=lambda c: c["position"])]
        return values, values == right
    raise ValidationError(_("Unknown question type."))


@transaction.atomic
def quiz_attempt_submit(
    *, actor: User, attempt: QuizAttempt, answers: Mapping[str, object]
) -> QuizAttempt:
    """Score an open attempt. `answers` maps question key -> list of option keys (for
    ordering: the keys in the learner's order) or the text. A second submission, an answer
    for a question that was not drawn, or an option id that was not offered is rejected and
    changes nothing."""
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("module_version", "module__course")
        .get(pk=attempt.pk)
    )
    if attempt.user_id != actor.pk:
        raise QuizAttempt.DoesNotExist
    if attempt.submitted_at is not None:
        raise ValidationError(_("This attempt was already submitted. Nothing was changed."))
    require(actor, "courses.view_course", attempt.module.course)
    by_key = {question["key"]: question for question in attempt.module_version.quiz}
    drawn = {item["key"]: item["choices"] for item in attempt.layout}
    if set(answers) - set(drawn):
        raise ValidationError(_("That answer is not one of the options. Nothing was saved."))
    results, correct = {}, 0
    for key, offered in drawn.items():
        stored, ok = _check_answer(by_key[key], offered, answers.get(key))
        results[key] = {"answer": stored, "correct": ok}
        correct += ok
    version = attempt.module_version
    attempt.answers = results
    attempt.score = percent(correct, len(drawn))
    attempt.passed = attempt.score >= version.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["answers", "score", "passed", "submitted_at"])
    if attempt.passed:
        progress, _created = ModuleProgress.objects.get_or_create(user=actor, module=attempt.module)
        if progress.quiz_passed_at is None:
            progress.quiz_passed_at = attempt.submitted_at
            progress.save(update_fields=["quiz_passed_at"])
        module_progress_refresh(user=actor, module=attempt.module)
        enrolment = Enrolment.objects.select_for_update().get(
            user=actor, course=attempt.module.course
        )
        enrolment_completion_check(enrolment=enrolment)
        refresher_quiz_record(user=actor, module=attempt.module)
    return attempt
