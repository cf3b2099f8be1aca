from django.urls import path

from capacity import views

app_name = "capacity"

urlpatterns = [
    path("", views.heat_map, name="heat_map"),
    path("countries/<str:code>/", views.country, name="country"),
    path("assessments/new/", views.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path(
        "assessments/<int:pk>/validate/",
        views.assessment_review,
        {"decision": "validate"},
        name="assessment_validate",
    ),
    path(
        "assessments/<int:pk>/return/",
        views.assessment_review,
        {"decision": "return"},
        name="assessment_return",
    ),
    path("assessments/<int:pk>/comment/", views.assessment_comment, name="assessment_comment"),
    path("assessments/<int:pk>/needs/", views.need_add, name="need_add"),
    path("assessments/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("needs/", views.need_list, name="needs"),
    path("needs/<int:pk>/met/", views.need_met, name="need_met"),
    path("needs/<int:pk>/status/", views.need_status, name="need_status"),
    path("equipment/", views.equipment, name="equipment"),
    path("regulations/", views.regulations, name="regulations"),
]
