"""Quarterly analysis reports, at /monitoring/exports/reports/ inside the "monitoring" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("upload/", views.report_upload, name="report_upload"),
]
