from django.urls import path

from . import views

app_name = "scorecards"
urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("consequences/", views.consequence_list, name="consequences"),
    path("consequences/<int:pk>/", views.consequence_detail, name="consequence"),
]
