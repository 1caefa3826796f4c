from __future__ import annotations


def unread_count(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: evaluated only where the header renders it, one indexed COUNT.
    return {"unread_notifications": lambda: user.notifications.filter(read_at__isnull=True).count()}
