from django.contrib import admin
from django.urls import include, path

from frontline import auth_views
from sops.home import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("profile/api-tokens/", include("api.page_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sops/", include("sops.urls")),
    path("notifications/", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("", include("network.urls")),
]
# MEDIA_ROOT is never served as static files, not even in DEBUG: attachments go through
# sops.views' download view, which checks who may see them.
