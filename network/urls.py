from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("signup/", views.sign_up, name="sign_up"),
    path("profile/", views.profile, name="profile"),
    path("profile/join/", views.join_agency, name="join_agency"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("memberships/<int:pk>/approve/", views.membership_approve, name="membership_approve"),
    path("memberships/<int:pk>/reject/", views.membership_reject, name="membership_reject"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
]
