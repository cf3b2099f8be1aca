"""The admin site: platform staff who passed their second factor (django-otp's OTPAdminSite).

Its own login form is never shown: ``/admin/login/`` sends people to the site's one
sign-in page (frontline.auth_views.admin_login), with its rate limits.
"""

from django.conf import settings
from django_otp.admin import OTPAdminSite


class FrontlineAdminSite(OTPAdminSite):
    def has_permission(self, request):
        if not getattr(settings, "FRONTLINE_REQUIRE_SECOND_FACTOR", True):
            return super(OTPAdminSite, self).has_permission(request)
        return super().has_permission(request)
