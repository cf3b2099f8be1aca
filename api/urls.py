"""/api/v1/: the versioned API, plus the schema and its docs page under /api/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import (
    views,
    views_capacity,
    views_compliance,
    views_me,
    views_network,
    views_training,
)
from api.docs import docs
from api.errors import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("v1/sops/", views.SOPListView.as_view(), name="sop-list"),
    path("v1/sops/<int:pk>/", views.SOPDetailView.as_view(), name="sop-detail"),
    path("v1/sops/<int:pk>/versions/", views.SOPVersionsView.as_view(), name="sop-versions"),
    path("v1/sops/<int:pk>/revisions/", views.SOPRevisionView.as_view(), name="sop-revision"),
    path("v1/sops/<int:pk>/diff/", views.SOPDiffView.as_view(), name="sop-diff"),
    path(
        "v1/sops/<int:pk>/translation-of/",
        views.SOPTranslationView.as_view(),
        name="sop-translation",
    ),
    path("v1/versions/<int:pk>/", views.VersionDetailView.as_view(), name="version-detail"),
    path("v1/versions/<int:pk>/submit/", views.VersionSubmitView.as_view(), name="version-submit"),
    path("v1/versions/<int:pk>/return/", views.VersionReturnView.as_view(), name="version-return"),
    path(
        "v1/versions/<int:pk>/publish/", views.VersionPublishView.as_view(), name="version-publish"
    ),
    path(
        "v1/versions/<int:pk>/withdraw/",
        views.VersionWithdrawView.as_view(),
        name="version-withdraw",
    ),
    path(
        "v1/versions/<int:pk>/acknowledge/",
        views_compliance.VersionAcknowledgeView.as_view(),
        name="version-acknowledge",
    ),
    path(
        "v1/versions/<int:pk>/reviewed/",
        views_compliance.VersionReviewedView.as_view(),
        name="version-reviewed",
    ),
    path(
        "v1/me/acknowledgements/",
        views_compliance.MyAcknowledgementsView.as_view(),
        name="my-acknowledgements",
    ),
    path(
        "v1/agencies/<slug:code>/acknowledgements/",
        views_compliance.AgencyAcknowledgementsView.as_view(),
        name="agency-acknowledgements",
    ),
    path("v1/versions/<int:pk>/adapt/", views.VersionAdaptView.as_view(), name="version-adapt"),
    path(
        "v1/versions/<int:pk>/attachments/",
        views.VersionAttachmentsView.as_view(),
        name="version-attachments",
    ),
    path(
        "v1/attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("v1/agencies/", views_network.AgencyListView.as_view(), name="agency-list"),
    path(
        "v1/agencies/<slug:code>/", views_network.AgencyDetailView.as_view(), name="agency-detail"
    ),
    path("v1/experts/", views_network.ExpertListView.as_view(), name="expert-list"),
    path("v1/experts/<int:pk>/", views_network.ExpertDetailView.as_view(), name="expert-detail"),
    path("v1/topics/", views_network.TopicListView.as_view(), name="topic-list"),
    path("v1/search/", views_me.SearchView.as_view(), name="search"),
    path("v1/follows/", views_me.FollowListView.as_view(), name="follow-list"),
    path("v1/follows/<int:pk>/", views_me.FollowDetailView.as_view(), name="follow-detail"),
    path("v1/inbox/", views_me.InboxView.as_view(), name="inbox"),
    path("v1/inbox/read-all/", views_me.InboxReadAllView.as_view(), name="inbox-read-all"),
    path("v1/inbox/<int:pk>/read/", views_me.InboxReadView.as_view(), name="inbox-read"),
    *[
        path(f"v1/capacity/{route}", view.as_view(), name=f"capacity-{name}")
        for route, view, name in (
            ("indicators/", views_capacity.IndicatorListView, "indicators"),
            ("assessments/", views_capacity.AssessmentListView, "assessments"),
            ("assessments/<int:pk>/", views_capacity.AssessmentDetailView, "assessment"),
            ("assessments/<int:pk>/scores/", views_capacity.AssessmentScoreView, "score"),
            ("assessments/<int:pk>/submit/", views_capacity.AssessmentSubmitView, "submit"),
            ("assessments/<int:pk>/validate/", views_capacity.AssessmentValidateView, "validate"),
            ("assessments/<int:pk>/return/", views_capacity.AssessmentReturnView, "return"),
            ("heat-map/", views_capacity.HeatMapView, "heat-map"),
            ("needs/", views_capacity.NeedListView, "needs"),
            ("deliveries/", views_capacity.DeliveryListView, "deliveries"),
            ("regulations/", views_capacity.RegulationListView, "regulations"),
        )
    ],
    path("v1/activities/", views_training.ActivityListView.as_view(), name="activity-list"),
    path(
        "v1/activities/<int:pk>/",
        views_training.ActivityDetailView.as_view(),
        name="activity-detail",
    ),
    path(
        "v1/activities/<int:pk>/publish/",
        views_training.ActivityPublishView.as_view(),
        name="activity-publish",
    ),
    path(
        "v1/activities/<int:pk>/cancel/",
        views_training.ActivityCancelView.as_view(),
        name="activity-cancel",
    ),
    path(
        "v1/activities/<int:pk>/register/",
        views_training.ActivityRegisterView.as_view(),
        name="activity-register",
    ),
    path(
        "v1/activities/<int:pk>/registrations/",
        views_training.ActivityRegistrationsView.as_view(),
        name="activity-registrations",
    ),
    path(
        "v1/activities/<int:pk>/report/",
        views_training.ActivityReportView.as_view(),
        name="activity-report",
    ),
    path(
        "v1/registrations/<int:pk>/mark/",
        views_training.RegistrationMarkView.as_view(),
        name="registration-mark",
    ),
    path(
        "v1/corrective-actions/<int:pk>/",
        views_training.ActionUpdateView.as_view(),
        name="corrective-action-update",
    ),
    path(
        "v1/corrective-actions/<int:pk>/address/",
        views_training.ActionAddressView.as_view(),
        name="corrective-action-address",
    ),
    path("v1/cascade/", views_training.CascadeView.as_view(), name="cascade"),
    re_path(r"", not_found),  # any other path under /api/, newlines included
]
