from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "threat_feed"
urlpatterns = [
    # The feed lives below /trends/ so that the main menu marks "Trends" only on the feed.
    path("", RedirectView.as_view(pattern_name="threat_feed:feed", permanent=False)),
    path("feed/", views.feed, name="feed"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_edit, name="source_create"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/fetch/", views.source_fetch_now, name="source_fetch"),
    path("sources/<int:pk>/pause/", views.source_pause, name="source_pause"),
    path("sources/<int:pk>/resume/", views.source_resume, name="source_resume"),
    path("sources/<int:pk>/upload/", views.source_upload, name="source_upload"),
    path("items/write/", views.item_write, name="item_write"),
]
urlpatterns += [
    path("triage/", views.triage, name="triage"),
    path("triage/<int:pk>/", views.triage_item, name="triage_item"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("rules/apply/", views.rules_apply, name="rules_apply"),
]
urlpatterns += [
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/freshness/", views.freshness, name="freshness"),
    path("modules/<int:pk>/", views.module_reviews, name="module"),
]
