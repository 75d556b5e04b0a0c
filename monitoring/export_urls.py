"""Summary workbooks (/monitoring/exports/) and quarterly analysis reports (/monitoring/exports/reports/)."""

from django.urls import path

from . import export_views, report_views

urlpatterns = [
    path("", export_views.export_page, name="exports"),
    path("<int:pk>/", export_views.export_job, name="export_job"),
    path("<int:pk>/status/", export_views.export_status, name="export_status"),
    path("<int:pk>/download/", export_views.export_download, name="export_download"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/upload/", report_views.report_upload, name="report_upload"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
]
