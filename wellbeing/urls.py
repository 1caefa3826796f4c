from django.urls import path

from . import views

app_name = "wellbeing"

urlpatterns = [
    # The person
    path("", views.home, name="home"),
    path("check-in/", views.checkin, name="checkin"),
    path("check-ins/<int:pk>/", views.checkin_detail, name="checkin_detail"),
    path("history/", views.history, name="history"),
    path("exposure/", views.exposure, name="exposure"),
    path("exposure/<int:pk>/delete/", views.exposure_delete, name="exposure_delete"),
    path("support/", views.resources, name="resources"),
    path("settings/", views.preferences, name="preferences"),
    path("who-viewed/", views.access, name="access"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_export, name="my_data_export"),
    path("my-data/delete/", views.my_data_erase, name="my_data_erase"),
    path("questionnaires/", views.instruments, name="instruments"),
    # Wellbeing leads
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/", views.case, name="case"),
    path("queue/<int:pk>/status/", views.case_status, name="case_status"),
    path("queue/<int:pk>/note/", views.case_note, name="case_note"),
    path("queue/<int:pk>/follow-up/", views.case_follow_up, name="case_follow_up"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/adjustment/", views.adjustment, name="adjustment"),
    path("support/manage/", views.resources_manage, name="resources_manage"),
    path("support/manage/pages/new/", views.page_edit, name="page_new"),
    path("support/manage/pages/<int:pk>/", views.page_edit, name="page_edit"),
    path("support/manage/contacts/new/", views.contact_edit, name="contact_new"),
    path("support/manage/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path(
        "support/manage/<str:kind>/<int:pk>/delete/",
        views.resource_delete,
        name="resource_delete",
    ),
    # Leads and agency administrators
    path("aggregates/", views.aggregates, name="aggregates"),
    path("aggregates.csv", views.aggregates_export, name="aggregates_export"),
    path("agency-settings/", views.agency_settings, name="agency_settings"),
    # Supervisors
    path("team/", views.team, name="team"),
]
