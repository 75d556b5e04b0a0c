from django.urls import path

from . import views

app_name = "incubators"

urlpatterns = [
    path("", views.base_list, name="list"),
    path("self-checks/", views.self_check_list, name="self_checks"),
    path("targets/", views.targets, name="targets"),
    path("<int:pk>/", views.base_detail, name="detail"),
    path("<int:pk>/edit/", views.base_edit, name="edit"),
    path("<int:pk>/status/", views.base_status, name="status"),
    path("<int:pk>/visits/", views.base_visit, name="visit"),
    path("<int:pk>/target/", views.base_target, name="target"),
    path("<int:pk>/tenants/new/", views.tenant_create, name="tenant_create"),
    path("<int:pk>/tenants/import/", views.tenant_import, name="tenant_import"),
    path("<int:pk>/tenants/import/<str:task_id>/", views.import_job, name="import_job"),
    path("<int:pk>/tenants/export/", views.tenant_export, name="tenant_export"),
    path("<int:pk>/self-check/<int:year>/", views.self_check, name="self_check"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant"),
]
