from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("questionnaires/pending/", views.pending, name="pending"),
    path("questionnaires/invitations/<int:pk>/", views.answer, name="answer"),
    path("questionnaires/", views.questionnaire_list, name="list"),
    path("questionnaires/new/", views.questionnaire_create, name="create"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="edit"),
    path("questionnaires/campaigns/", views.campaigns, name="campaigns"),
    path("questionnaires/campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("questionnaires/campaigns/<int:pk>/results.xlsx", views.campaign_xlsx, name="campaign_xlsx"),
    path("q/<str:token>/", views.link, name="link"),
]
