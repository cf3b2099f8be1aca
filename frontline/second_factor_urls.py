from django.urls import path

from frontline import second_factor_views as views

app_name = "second_factor"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery/", views.recovery_renew, name="recovery_renew"),
]
