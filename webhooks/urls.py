from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("<slug:code>/", views.webhook_list, name="list"),
    path(
        "<slug:code>/<int:pk>/<str:action>/",
        views.webhook_action,
        name="action",
    ),
]
