from django.urls import path

from monitoring.unlocks import views

urlpatterns = [
    path("", views.unlock_requests, name="unlock_requests"),
    path("<int:pk>/decide/", views.decide, name="decide_unlock"),
]
