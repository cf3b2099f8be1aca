from django.urls import path

from sops import print_views, views, workflow_views

app_name = "sops"

urlpatterns = [
    path("", views.sop_list, name="list"),
    path("new/", workflow_views.sop_create, name="create"),
    path("preview/", workflow_views.preview, name="preview"),
    path("review/", views.review_queue, name="review_queue"),
    path("agency/<slug:code>/", views.agency_dashboard, name="agency_dashboard"),
    path(
        "agency/<slug:code>/acknowledgements.csv",
        views.agency_acknowledgements_csv,
        name="acknowledgements_csv",
    ),
    path("agency/<slug:code>/rules/", workflow_views.agency_policy, name="agency_policy"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "attachments/<int:pk>/remove/", workflow_views.attachment_remove, name="attachment_remove"
    ),
    path("check/<int:pk>/", print_views.version_check, name="check"),
    path("<int:pk>/", views.sop_detail, name="detail"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/adapt/", workflow_views.sop_adapt, name="adapt"),
    path("<int:pk>/revise/", workflow_views.sop_revise, name="revise"),
    path(
        "<int:pk>/translation/link/",
        workflow_views.sop_translation_link,
        name="translation_link",
    ),
    path(
        "<int:pk>/translation/unlink/",
        workflow_views.sop_translation_unlink,
        name="translation_unlink",
    ),
    path("<int:sop_id>/versions/<int:pk>/", views.version_detail, name="version"),
    path("<int:sop_id>/versions/<int:pk>/print/", print_views.version_print, name="print"),
    path("<int:sop_id>/versions/<int:pk>/edit/", workflow_views.version_edit, name="edit"),
    path("<int:sop_id>/versions/<int:pk>/submit/", workflow_views.version_submit, name="submit"),
    path("<int:sop_id>/versions/<int:pk>/publish/", workflow_views.version_publish, name="publish"),
    path("<int:sop_id>/versions/<int:pk>/return/", workflow_views.version_return, name="return"),
    path(
        "<int:sop_id>/versions/<int:pk>/withdraw/", workflow_views.version_withdraw, name="withdraw"
    ),
    path(
        "<int:sop_id>/versions/<int:pk>/reviewed/",
        workflow_views.version_reviewed,
        name="reviewed",
    ),
    path(
        "<int:sop_id>/versions/<int:pk>/acknowledge/",
        workflow_views.version_acknowledge,
        name="acknowledge",
    ),
    path(
        "<int:sop_id>/versions/<int:pk>/attachments/",
        workflow_views.attachment_add,
        name="attachment_add",
    ),
]
