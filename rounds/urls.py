from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/progress/", views.round_progress, name="progress"),
    path("<int:pk>/compute/", views.round_compute, name="compute"),
    path("<int:pk>/publish/", views.round_publish, name="publish"),
    path("<int:pk>/rules/", views.rule_add, name="rule_add"),
    path("<int:pk>/rules/<int:rule_pk>/delete/", views.rule_delete, name="rule_delete"),
]
