from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("people/<int:pk>/", views.learner, name="learner"),
    path("units/", views.units, name="units"),
    path("agencies/", views.agencies, name="agencies"),
    path("trends/", views.trends, name="trends"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
