"""What the trends feed holds about a person: the sources they look after, the items they
wrote and the triage decisions they made (and, with curriculum reviews, the reviews they
closed). The items themselves are shared work, not personal data: erasing a person removes
their name from them and keeps the items."""

from __future__ import annotations

from .models import CurriculumReview, Source, TrendItem


def trend_data_export(user) -> dict:
    return {
        "sources_responsible_for": list(
            Source.objects.filter(owners=user).order_by("name").values_list("name", flat=True)
        ),
        "items_written": [
            {"title": title, "written": created.isoformat()}
            for title, created in TrendItem.objects.filter(created_by=user)
            .order_by("created_at")
            .values_list("title", "created_at")
        ],
        "triage_decisions": [
            {"item": title, "decision": status, "when": when.isoformat() if when else None}
            for title, status, when in TrendItem.objects.filter(triaged_by=user)
            .order_by("triaged_at")
            .values_list("title", "status", "triaged_at")
        ],
        "curriculum_reviews_closed": [
            {
                "module": module,
                "outcome": outcome,
                "reason": reason,
                "when": when.isoformat() if when else None,
            }
            for module, outcome, reason, when in CurriculumReview.objects.filter(closed_by=user)
            .order_by("closed_at")
            .values_list("module__title", "outcome", "reason", "closed_at")
        ],
    }


def trend_data_erase(user) -> None:
    Source.owners.through.objects.filter(user_id=user.pk).delete()
    TrendItem.objects.filter(created_by=user).update(created_by=None)
    TrendItem.objects.filter(triaged_by=user).update(triaged_by=None)
    Source.objects.filter(created_by=user).update(created_by=None)
    CurriculumReview.objects.filter(closed_by=user).update(closed_by=None)
