from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("propose/<int:introduction_pk>/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<slug:action>/", views.do_transition, name="transition"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"
    ),
    path("<int:pk>/notes/", views.add_note, name="note"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/contact/", views.log_contact, name="contact"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    # Reminders are notifications now; old links land in the notification centre.
    path("reminders/", RedirectView.as_view(pattern_name="notifications:list"), name="reminders"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/agreements.csv", views.dashboard_csv, name="dashboard_csv"),
]
