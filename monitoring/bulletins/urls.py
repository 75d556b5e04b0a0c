from django.urls import path

from . import views

urlpatterns = [
    path("", views.bulletin_list, name="bulletins"),
    path("generate/", views.bulletin_generate, name="bulletin_generate"),
    path("jobs/<str:task_id>/", views.bulletin_job, name="bulletin_job"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
]
