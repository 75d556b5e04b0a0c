from django.urls import path

from . import views

app_name = "platforms"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.platform_list, name="list"),
    path("records/", views.record_list, name="records"),
    path("records/export.xlsx", views.record_export, name="records_export"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/", views.platform_detail, name="detail"),
    path("<int:pk>/recognitions/", views.recognition_add, name="recognition_add"),
    path("<int:pk>/operator/", views.operator_replace, name="operator_replace"),
    path("<int:pk>/records/new/", views.record_add, name="record_add"),
    path("<int:pk>/records/import/", views.record_import, name="record_import"),
    path("<int:pk>/records/import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/records/import/jobs/<slug:task_id>/", views.import_job, name="import_job"),
    path("<int:pk>/records/import/jobs/<slug:task_id>/status/", views.import_job_status, name="import_job_status"),
    path("<int:pk>/activities/", views.activity_list, name="activities"),
]
