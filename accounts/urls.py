from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/export/", views.export_data, name="export"),
    path("account/delete/", views.delete_account, name="delete"),
]
