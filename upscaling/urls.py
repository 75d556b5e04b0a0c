from django.urls import path

from . import views

app_name = "upscaling"

urlpatterns = [
    path("", views.index, name="index"),
    path("pool/", views.pool, name="pool"),
    path("pool/<int:pk>/", views.entry_page, name="entry"),
    path("pool/<int:pk>/screen/", views.screen, name="screen"),
    path("import/<str:kind>/", views.import_upload, name="import_upload"),
    path("import/<str:kind>/map/", views.import_map, name="import_map"),
    path("import/jobs/<slug:task_id>/", views.import_job, name="import_job"),
    path("import/jobs/<slug:task_id>/status/", views.import_job_status, name="import_job_status"),
    path("analysis/", views.analysis, name="analysis"),
    path("targets/", views.targets, name="targets"),
    path("reward/", views.reward, name="reward"),
    path("reports/<str:kind>/", views.report, name="report"),
]
