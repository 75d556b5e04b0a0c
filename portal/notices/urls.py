from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("manage/<int:pk>/delete/", views.delete, name="delete"),
]
