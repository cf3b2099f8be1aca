from django.urls import path

from sops import views

app_name = "sops"

urlpatterns = [
    path("", views.sop_list, name="list"),
    path("new/", views.sop_create, name="create"),
    path("preview/", views.preview, name="preview"),
    path("review/", views.review_queue, name="review_queue"),
    path("agency/<slug:code>/", views.agency_dashboard, name="agency_dashboard"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("<int:pk>/", views.sop_detail, name="detail"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/adapt/", views.sop_adapt, name="adapt"),
    path("<int:pk>/revise/", views.sop_revise, name="revise"),
    path("<int:sop_id>/versions/<int:pk>/", views.version_detail, name="version"),
    path("<int:sop_id>/versions/<int:pk>/edit/", views.version_edit, name="edit"),
    path("<int:sop_id>/versions/<int:pk>/submit/", views.version_submit, name="submit"),
    path("<int:sop_id>/versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("<int:sop_id>/versions/<int:pk>/return/", views.version_return, name="return"),
    path("<int:sop_id>/versions/<int:pk>/withdraw/", views.version_withdraw, name="withdraw"),
    path(
        "<int:sop_id>/versions/<int:pk>/acknowledge/",
        views.version_acknowledge,
        name="acknowledge",
    ),
    path(
        "<int:sop_id>/versions/<int:pk>/attachments/", views.attachment_add, name="attachment_add"
    ),
]
