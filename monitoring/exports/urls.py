"""Summary workbooks, at /monitoring/exports/ inside the "monitoring" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.export_page, name="exports"),
    path("<int:pk>/", views.export_job, name="export_job"),
    path("<int:pk>/status/", views.export_status, name="export_status"),
]
