"""django-rules predicates for the trends feed. Each object rule has a queryset twin in
selectors.py (named beside it).

Services ask `rules.has_perm(...)`, never `user.has_perm(...)`: Django's ModelBackend says yes
to everything for a superuser, and the feed's rules should read the same for everyone.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_approved, is_platform_admin, is_trainer, is_trends_analyst


@rules.predicate
def item_is_relevant(user, item) -> bool:
    return item is not None and item.status == "relevant"


is_curator = is_approved & (is_trends_analyst | is_platform_admin)

# Reading the feed: every signed-in, approved person, relevant items only (twin:
# selectors.trend_item_list_visible_to); analysts see every item.
rules.add_perm("threat_feed.view_feed", is_approved)
rules.add_perm("threat_feed.view_item", is_approved & (item_is_relevant | is_curator))

# Curating: sources, uploads, manual items, tag rules and triage (twins:
# selectors.source_list_visible_to, selectors.trend_item_triage_list).
rules.add_perm("threat_feed.manage_sources", is_curator)
rules.add_perm("threat_feed.triage_item", is_curator)
rules.add_perm("threat_feed.manage_rules", is_curator)

# Curriculum reviews: trainers and analysts read them.
rules.add_perm("threat_feed.view_reviews", is_approved & (is_trainer | is_curator))


@rules.predicate
def staffs_reviewed_course(user, review) -> bool:
    """The person may edit the review's module's course (a trainer on its staff)."""
    return review is not None and rules.has_perm("courses.edit_course", user, review.module.course)


# One review (twin: selectors.curriculum_review_list_visible_to): analysts and platform
# admins see every review, trainers those of the courses they staff.
rules.add_perm("threat_feed.view_review", is_approved & (is_curator | staffs_reviewed_course))
# Closing: a trainer of the course (or a platform admin, through courses.edit_course). The
# service refuses a review already closed with its own message.
rules.add_perm("threat_feed.close_review", is_approved & staffs_reviewed_course)
