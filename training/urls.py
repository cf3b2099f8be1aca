from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("month/", views.month, name="month"),
    path("new/", views.activity_create, name="create"),
    path("cascade/", views.cascade, name="cascade"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("stale/", views.stale, name="stale"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.feed_user, name="feed_user"),
    path("agency/<slug:code>.ics", views.feed_agency, name="feed_agency"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("change-requests/<int:sop_id>/", views.change_requests, name="change_requests"),
    path("actions/<int:pk>/", views.action_update, name="action_update"),
    path("actions/<int:pk>/address/", views.action_address, name="action_address"),
    path("actions/<int:pk>/assign/", views.action_assign, name="action_assign"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/publish/", views.activity_publish, name="publish"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("registrations/<int:pk>/mark/", views.registration_mark, name="mark"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("<int:pk>/report/", views.report, name="report"),
]
