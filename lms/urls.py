from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from accounts.health import healthz

admin.site.site_header = "CSEA training administration"
admin.site.site_title = "CSEA training"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("inbox/", include("notifications.urls")),
    path("courses/", include("courses.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("trends/", include("threat_feed.urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "accounts.views.not_found"
handler403 = "accounts.views.permission_denied"
