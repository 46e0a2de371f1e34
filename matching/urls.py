from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("recommendations/", views.my_recommendations, name="my_recommendations"),
    path("projects/<int:project_pk>/interest/", views.scientist_decide, name="scientist_decide"),
    path(
        "projects/<int:pk>/recommendations/",
        views.project_recommendations,
        name="project_recommendations",
    ),
    path(
        "projects/<int:project_pk>/scientists/<int:scientist_pk>/interest/",
        views.institution_decide,
        name="institution_decide",
    ),
    path("introductions/", views.introduction_list, name="introduction_list"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path("coordinator/", views.coordinator, name="coordinator"),
    path("coordinator/rematch/", views.start_rematch, name="start_rematch"),
    path("coordinator/runs/<int:pk>/", views.run_progress, name="run_progress"),
]
