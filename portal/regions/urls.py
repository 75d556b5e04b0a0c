from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<str:code>/", views.overview, name="region"),
    path("<str:code>/quota/", views.set_quota, name="quota"),
]
