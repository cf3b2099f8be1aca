from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("signup/", views.sign_up, name="sign_up"),
    path("profile/", views.profile, name="profile"),
    path("profile/join/", views.join_agency, name="join_agency"),
    path("profile/verify-email/", views.verify_email_resend, name="verify_email_resend"),
    path("signup/verify/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("memberships/<int:pk>/approve/", views.membership_approve, name="membership_approve"),
    path("memberships/<int:pk>/reject/", views.membership_reject, name="membership_reject"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
]
