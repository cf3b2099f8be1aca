"""The project's own app config, and the admin app with the site that requires a second
factor (frontline.admin_site)."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class FrontlineAdminConfig(AdminConfig):
    default_site = "frontline.admin_site.FrontlineAdminSite"


class FrontlineConfig(AppConfig):
    name = "frontline"
    verbose_name = "Frontline"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from frontline.sessions import session_started

        # Session bookkeeping, not a business rule: the idle clock starts at sign-in.
        user_logged_in.connect(session_started, dispatch_uid="frontline.sessions")
