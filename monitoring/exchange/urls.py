"""The data-exchange API of the monthly monitoring, mounted under /api/v1/ beside the core API."""

from django.urls import path

from . import api

app_name = "monitoring_api"
urlpatterns = [
    path("filings/", api.FilingsView.as_view(), name="filings"),
    path("filings/batch/", api.FilingBatchView.as_view(), name="filings-batch"),
    path("filings/status/", api.FilingStatusView.as_view(), name="filings-status"),
    path("regions/<str:code>/approved-filings/", api.ApprovedFilingsView.as_view(), name="region-approved-filings"),
]
