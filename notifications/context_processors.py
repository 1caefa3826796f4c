from __future__ import annotations

from .selectors import notification_unread_count


def unread_count(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: evaluated only where the header renders it; one indexed COUNT per request.
    return {"unread_notifications": lambda: notification_unread_count(user=user)}
