"""The platforms' API, mounted under /api/v1/ beside the core API."""

from django.urls import path

from . import api

app_name = "platforms_api"
urlpatterns = [
    path("platforms/<int:pk>/service-records/", api.ServiceRecordPushView.as_view(), name="service-records"),
]
