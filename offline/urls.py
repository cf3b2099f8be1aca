from django.urls import path

from offline import api, views

app_name = "offline"

urlpatterns = [
    path("", views.kit, name="kit"),
    path("keep/", views.keep, name="keep"),
    path("kept/<int:pk>/remove/", views.unkeep, name="unkeep"),
    path("settings/", views.kit_settings, name="settings"),
    path("agency/<slug:code>/", views.agency_policy, name="agency_policy"),
    path("not-kept/", views.not_kept, name="not_kept"),
    path("api/session/", api.session, name="api_session"),
    path("api/kit/", api.kit, name="api_kit"),
    path("api/check/", api.check, name="api_check"),
    path("api/acknowledgements/", api.acknowledgement, name="api_acknowledgement"),
]
