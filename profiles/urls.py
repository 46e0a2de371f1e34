from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("profile/", views.my_profile, name="my_profile"),
    path("scientists/", views.scientist_list, name="scientist_list"),
    path("scientists/<int:pk>/", views.scientist_detail, name="scientist_detail"),
    path("institution/", views.my_institution, name="my_institution"),
    path("institution/register/", views.institution_register, name="institution_register"),
    path("institution/join/", views.institution_join, name="institution_join"),
    path("approvals/", views.approvals, name="approvals"),
    path(
        "approvals/institutions/<int:pk>/",
        views.institution_decide,
        name="institution_decide",
    ),
    path("approvals/memberships/<int:pk>/", views.membership_decide, name="membership_decide"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/status/", views.project_set_status, name="project_set_status"),
]
