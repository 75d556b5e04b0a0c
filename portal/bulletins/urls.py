from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("generate/", views.bulletin_generate, name="generate"),
    path("jobs/<str:task_id>/", views.bulletin_job, name="job"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
]
