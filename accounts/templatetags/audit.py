from django import template

from accounts.registries import audit_action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code in plain words (registered labels, else the readable code)."""
    return audit_action_label(action)
