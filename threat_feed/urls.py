from django.urls import path  # noqa: F401

app_name = "threat_feed"
urlpatterns: list = []
