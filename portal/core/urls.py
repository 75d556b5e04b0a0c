from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("care-mode/", views.care_mode, name="care_mode"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("files/<str:label>/<int:pk>/", views.stored_file, name="stored_file"),
]
