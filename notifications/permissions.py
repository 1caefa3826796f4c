"""django-rules predicates for notifications. The queryset twin of "open_notification" is
selectors.notification_list_visible_to."""

from __future__ import annotations

import rules

from accounts.permissions import is_platform_admin


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and notification.user_id == user.pk


rules.add_perm("notifications.open_notification", is_recipient)
# Putting dead emails back in the queue sends personal data again: platform admins only.
rules.add_perm("notifications.retry_email", is_platform_admin)
