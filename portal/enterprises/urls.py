from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("mine/", views.my_enterprise, name="mine"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/jobs/<slug:task_id>/", views.import_job, name="import_job"),
    path("import/jobs/<slug:task_id>/status/", views.import_job_status, name="import_job_status"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/account/", views.account_create, name="account_create"),
    path("<int:pk>/honours/", views.honour_add, name="honour_add"),
    path("<int:pk>/honours/<int:honour_pk>/revoke/", views.honour_revoke, name="honour_revoke"),
]
