from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("awaiting-approval/", views.pending, name="pending"),
    path("vetting/", views.vetting, name="vetting"),
    path("vetting/invite/", views.invite, name="invite"),
    path("vetting/<int:pk>/", views.person, name="person"),
    path("vetting/<int:pk>/approve/", views.approve, name="approve"),
    path("vetting/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("vetting/<int:pk>/disable/", views.disable, name="disable"),
    path("vetting/<int:pk>/enable/", views.enable, name="enable"),
    path("vetting/<int:pk>/unit/", views.unit_assign, name="unit_assign"),
    path("vetting/<int:pk>/roles/", views.role_change, name="role_change"),
    path("vetting/<int:pk>/supervisions/", views.supervision_add, name="supervision_add"),
    path(
        "vetting/<int:pk>/supervisions/<int:grant_pk>/end/",
        views.supervision_remove,
        name="supervision_remove",
    ),
    path("vetting/<int:pk>/coverage/", views.coverage_add, name="coverage_add"),
    path(
        "vetting/<int:pk>/coverage/<int:grant_pk>/end/",
        views.coverage_remove,
        name="coverage_remove",
    ),
    path(
        "vetting/<int:pk>/resend-invitation/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("audit/", views.audit, name="audit"),
    path("erasure-requests/", views.erasure_queue, name="erasure_queue"),
    path("erasure-requests/<int:pk>/", views.erasure_decide, name="erasure_decide"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/sessions/end/", views.sessions_end, name="sessions_end"),
    path("profile/my-data/", views.data_export, name="data_export"),
    path("profile/access-log/", views.access_log, name="access_log"),
    path("profile/erase/", views.erasure_request, name="erasure_request"),
]
