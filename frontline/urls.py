from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

from frontline import auth_views, locale
from offline import views as offline_views
from sops.home import home


class FaviconView(RedirectView):
    """Browsers and tools that ask for /favicon.ico get the layout's icon."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("frontline/favicon.svg")


urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", require_GET(FaviconView.as_view())),
    # At the root so the service worker's scope is the whole site.
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="web_manifest"),
    path("accounts/login/", auth_views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/logout/", auth_views.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-step/", include("frontline.second_factor_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # One sign-in page for everyone: the admin's own login form is never served.
    path("admin/login/", auth_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("profile/api-tokens/", include("api.page_urls")),
    path("i18n/setlang/", locale.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", locale.javascript_catalog, name="javascript-catalog"),
    path("sops/", include("sops.urls")),
    path("notifications/", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("offline/", include("offline.urls")),
    path("capacity/", include("capacity.urls")),
    path("training/", include("training.urls")),
    path("", include("network.urls")),
]
# MEDIA_ROOT is never served as static files, not even in DEBUG: attachments go through
# sops.views' download view, which checks who may see them.

handler400 = "frontline.error_pages.bad_request"
handler403 = "frontline.error_pages.permission_denied"
handler404 = "frontline.error_pages.page_not_found"
handler500 = "frontline.error_pages.server_error"
