"""Extension points that let higher apps plug into accounts without accounts importing them
(DESIGN section 3): home-dashboard panels, demo-data seeders, the notifier and confidential
audit actions. Apps register in ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DashboardPanel:
    name: str
    template: str
    # Returns the panel's context, or None when the panel has nothing for this person.
    context: Callable[[Any], dict | None]
    order: int = 100


_panels: dict[str, DashboardPanel] = {}
_seeders: dict[str, tuple[int, Callable[..., None]]] = {}


def dashboard_panel_register(
    *, name: str, template: str, context: Callable[[Any], dict | None], order: int = 100
) -> None:
    _panels[name] = DashboardPanel(name=name, template=template, context=context, order=order)


def dashboard_panels_for(request) -> list[dict]:
    """Rendered-ready panels for the home page: [{"template": ..., "context": {...}}]."""
    panels = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request)
        if context is not None:
            panels.append({"name": panel.name, "template": panel.template, "context": context})
    return panels


def demo_seeder_register(*, name: str, seed: Callable[..., None], order: int = 100) -> None:
    """`seed(stdout)` must be idempotent: run twice, it changes nothing the second time."""
    _seeders[name] = (order, seed)


def demo_seeders() -> list[tuple[str, Callable[..., None]]]:
    return [(name, fn) for name, (order, fn) in sorted(_seeders.items(), key=lambda i: i[1][0])]


# Telling a person something. accounts sits below notifications and must not import it, so
# notifications registers its `notification_send` here from NotificationsConfig.ready().
_notifier: Callable[..., Any] | None = None


def person_notifier_register(notify: Callable[..., Any]) -> None:
    """`notify(*, user, kind, title, body, url, key)`: normally notification_send."""
    global _notifier
    _notifier = notify


def person_notify(
    *, user, kind: str, title: str, body: str = "", url: str = "", key: str | None = None
) -> None:
    """Tell `user` something through the registered notifier (inbox and email)."""
    if _notifier is None:
        logger.warning("no notifier registered; %s not told: %s", user.pk, title)
        return
    _notifier(user=user, kind=kind, title=str(title), body=str(body), url=url, key=key)


# Audit actions whose mere existence is confidential (a wellbeing lead opening a person's
# flagged check-in says that the person was flagged). Their rows are kept, and shown only to
# the person they are about; the audit list and the Django admin leave them out.
_confidential_audit_prefixes: set[str] = set()


def audit_confidential_prefix_register(prefix: str) -> None:
    _confidential_audit_prefixes.add(prefix)


def audit_confidential_prefixes() -> tuple[str, ...]:
    return tuple(sorted(_confidential_audit_prefixes))


# Plain words for audit action codes ("wellbeing.case_viewed" -> "Opened a wellbeing review"),
# shown to the person on "Who viewed or changed my data" and to admins in the audit list.
_audit_action_labels: dict[str, Any] = {}


def audit_action_labels_register(labels: dict[str, Any]) -> None:
    """`labels`: action code -> lazily translated label. Apps register theirs in ready()."""
    _audit_action_labels.update(labels)


def audit_action_label(action: str) -> str:
    """The registered label, or the code made readable ("mentoring: pairing status viewed")."""
    label = _audit_action_labels.get(action)
    if label is not None:
        return str(label)
    app, _dot, verb = action.partition(".")
    return f"{app.replace('_', ' ')}: {verb.replace('_', ' ')}" if verb else action


# Parts of a person's training record that other apps hold (a mentor's sign-off of a practical
# competency, CPD hours from events). The supervisor's training record shows every registered
# part without importing the apps that hold them.
@dataclass(frozen=True)
class TrainingRecordPart:
    name: str
    title: Any
    columns: tuple[Any, ...]
    # person -> rows of cells; the first cell of a row names it.
    rows: Callable[[Any], list[tuple]]
    empty: Any
    order: int = 100


_record_parts: dict[str, TrainingRecordPart] = {}


def training_record_part_register(
    *,
    name: str,
    title: Any,
    columns: tuple[Any, ...],
    rows: Callable[[Any], list[tuple]],
    empty: Any,
    order: int = 100,
) -> None:
    _record_parts[name] = TrainingRecordPart(name, title, columns, rows, empty, order)


def training_record_parts_for(person) -> list[dict]:
    """Each registered part with its rows for `person`: one query or so per part."""
    return [
        {
            "name": part.name,
            "title": part.title,
            "columns": part.columns,
            "rows": part.rows(person),
            "empty": part.empty,
        }
        for part in sorted(_record_parts.values(), key=lambda p: (p.order, p.name))
    ]
