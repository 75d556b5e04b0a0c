from django.urls import include, path
from django.views.generic import RedirectView

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.my_filings, name="my_filings"),
    path("file/<month:period>/", views.file_form, name="file"),
    path("file/<month:period>/<int:enterprise_id>/", views.file_form, name="file_on_behalf"),
    path("file/<month:period>/withdraw/", views.withdraw, name="withdraw"),
    path("file/<month:period>/unlock-request/", views.request_unlock, name="request_unlock"),
    path("unlock-requests/", include("monitoring.unlocks.urls")),
    # Links written before months were spelled 2026-01 (reminders in inboxes and emails, bookmarks).
    path("file/<int:year>/<int:month>/", views.old_file_link, name="old_file"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/approve/", views.bulk_approve, name="bulk_approve"),
    path("review/report-up/", views.report_up, name="report_up"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("status/", views.status, name="status"),
    path("status/xlsx/", views.status_xlsx, name="status_xlsx"),
    path("status/chase/", views.chase, name="chase"),
    path("status/reports/<int:pk>/return/", views.return_report, name="return_report"),
    path("periods/", views.period_list, name="periods"),
    path("import/", views.import_filings, name="import"),
    path("import/jobs/<slug:task_id>/", views.import_job, name="import_job"),
    path("import/jobs/<slug:task_id>/status/", views.import_job_status, name="import_job_status"),
    path("analysis/", views.analysis_page, name="analysis"),
    path("exports/reports/", include("monitoring.reports.urls")),
    path("exports/", include("monitoring.exports.urls")),
    # Bulletins moved to /bulletins/ (portal.bulletins); links in inboxes and bookmarks still arrive here.
    path("bulletins/", RedirectView.as_view(pattern_name="bulletins:list", permanent=True), name="old_bulletins"),
    path("bulletins/<int:pk>/", RedirectView.as_view(pattern_name="bulletins:detail", permanent=True),
         name="old_bulletin"),
]
