"""Trainings and exercises over HTTP: the same selectors and services as the pages.

Everything here is for vetted members; drafts, participants and after-action reports
follow ``training.permissions`` (a thing one may not see is a 404, never a 403).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import CodeRelatedField
from api.lookups import lookup, resolve
from api.query import QuerySerializer, code_param, country_param, text_param
from network.models import Agency, Country, Language, Topic
from network.permissions import is_vetted
from sops.models import SOPVersion
from sops.permissions import can_edit_sop, can_view_version
from training import selectors, services
from training.models import MARKS, Activity, CorrectiveAction, Registration
from training.permissions import can_manage_activity, can_view_report


class VettedMember(BasePermission):
    message = _("Trainings and exercises are for vetted members of the network.")

    def has_permission(self, request, view):
        return is_vetted(request.user)


class ActivitySerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)
    participating_agencies = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    language = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sop_versions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "scope",
            "status",
            "description",
            "starts",
            "ends",
            "place",
            "online",
            "organiser",
            "participating_agencies",
            "countries",
            "topics",
            "language",
            "sop_versions",
            "capacity",
            "registration_opens",
            "registration_closes",
            "cancelled_reason",
            "url",
        ]


class ActivityWriteSerializer(serializers.Serializer):
    organiser = CodeRelatedField(slug_field="code", queryset=Agency.objects.all())
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    scope = serializers.ChoiceField(choices=Activity.Scope.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    starts = serializers.DateField()
    ends = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    online = serializers.BooleanField(required=False, default=False)
    language = CodeRelatedField(slug_field="code", queryset=Language.objects.all(), required=False)
    participating_agencies = CodeRelatedField(
        slug_field="code", queryset=Agency.objects.all(), many=True, required=False
    )
    countries = CodeRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False
    )
    topics = CodeRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), many=True, required=False
    )
    sop_versions = serializers.PrimaryKeyRelatedField(
        queryset=SOPVersion.objects.all(), many=True, required=False
    )
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=100000)
    registration_opens = serializers.DateField(required=False)
    registration_closes = serializers.DateField(required=False)


class ActivityFilterSerializer(QuerySerializer):
    q = text_param(100, "Words in the title or place")
    kind = serializers.ChoiceField(required=False, choices=Activity.Kind.choices)
    scope = serializers.ChoiceField(required=False, choices=Activity.Scope.choices)
    agency = code_param("Organising or participating agency code")
    country = country_param("ISO 3166 alpha-2 code")
    topic = code_param("Topic slug", max_length=50)
    after = serializers.DateField(required=False, help_text="Activities ending on or after")
    before = serializers.DateField(required=False, help_text="Activities starting on or before")


class RegistrationSerializer(serializers.ModelSerializer):
    expert = serializers.CharField(source="expert.full_name", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "activity", "expert", "status", "created", "certificate"]

    def get_certificate(self, obj) -> str | None:
        cert = getattr(obj, "certificate", None)
        return cert.get_absolute_url() if cert else None


class MarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MARKS)


class CancelReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "title",
            "owner",
            "due",
            "status",
            "reason",
            "sop",
            "addressed_by",
            "closed",
        ]


class ObservationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    capability = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    actions = ActionSerializer(many=True, source="actions.all")


class ReportSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    status = serializers.CharField()
    summary = serializers.CharField()
    shared_with_network = serializers.BooleanField()
    observations = ObservationSerializer(many=True, source="observations.all")


class ActionUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CorrectiveAction.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AddressSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="A draft or in-review version of the SOP")


class CascadeFilterSerializer(QuerySerializer):
    country = country_param("The trainers' country, ISO 3166 alpha-2 code")
    topic = code_param("Topic slug", max_length=50)


class CascadeRowSerializer(serializers.Serializer):
    country = serializers.CharField()
    topic = serializers.CharField()
    trainers = serializers.IntegerField()
    activities = serializers.IntegerField()
    reached = serializers.IntegerField()


def _activity(request, pk: int) -> Activity:
    try:
        return selectors.activity_for(user=request.user, pk=pk)
    except Http404:
        raise NotFound() from None


class ActivityListView(GenericAPIView):
    """Activities the caller may see, filtered; POST creates a draft (organisers)."""

    permission_classes = [VettedMember]
    serializer_class = ActivitySerializer

    @extend_schema(parameters=[ActivityFilterSerializer], responses=ActivitySerializer(many=True))
    def get(self, request):
        form = ActivityFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        named = {
            "agency": lookup(Agency, "code", data.pop("agency", None)),
            "country": lookup(Country, "code", (data.pop("country", "") or "").upper()),
            "topic": lookup(Topic, "slug", data.pop("topic", None)),
        }
        named, unknown = resolve(named)
        qs = selectors.activities_list(user=request.user, filters={**data, **named})
        if unknown:
            qs = qs.none()
        qs = qs.prefetch_related("participating_agencies", "countries", "topics", "sop_versions")
        page = self.paginate_queryset(qs.select_related("language"))
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(request=ActivityWriteSerializer, responses={201: ActivitySerializer})
    def post(self, request):
        form = ActivityWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        versions = data.pop("sop_versions", [])
        if any(not can_view_version(request.user, v) for v in versions):
            raise NotFound()
        activity = services.activity_create(
            by=request.user,
            organiser=data.pop("organiser"),
            agencies=data.pop("participating_agencies", []),
            countries=data.pop("countries", []),
            topics=data.pop("topics", []),
            sop_versions=versions,
            **data,
        )
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(APIView):
    permission_classes = [VettedMember]

    @extend_schema(responses=ActivitySerializer)
    def get(self, request, pk: int):
        return Response(ActivitySerializer(_activity(request, pk)).data)


class ActivityPublishView(APIView):
    permission_classes = [VettedMember]

    @extend_schema(request=None, responses=ActivitySerializer)
    def post(self, request, pk: int):
        activity = services.activity_publish(by=request.user, activity=_activity(request, pk))
        return Response(ActivitySerializer(activity).data)


class ActivityCancelView(APIView):
    permission_classes = [VettedMember]

    @extend_schema(request=CancelReasonSerializer, responses=ActivitySerializer)
    def post(self, request, pk: int):
        form = CancelReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        activity = services.activity_cancel(
            by=request.user, activity=_activity(request, pk), reason=form.validated_data["reason"]
        )
        return Response(ActivitySerializer(activity).data)


class ActivityRegisterView(APIView):
    """The caller registers for the activity."""

    permission_classes = [VettedMember]

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request, pk: int):
        registration = services.registration_register(
            by=request.user, activity=_activity(request, pk)
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class ActivityRegistrationsView(GenericAPIView):
    """The participants, for the organisers."""

    permission_classes = [VettedMember]
    serializer_class = RegistrationSerializer

    @extend_schema(responses=RegistrationSerializer(many=True))
    def get(self, request, pk: int):
        activity = _activity(request, pk)
        if not can_manage_activity(request.user, activity):
            raise NotFound()
        page = self.paginate_queryset(selectors.registrations_for_organiser(activity))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)


class RegistrationMarkView(APIView):
    """Confirm, mark attendance or completion (organisers)."""

    permission_classes = [VettedMember]

    @extend_schema(request=MarkSerializer, responses=RegistrationSerializer)
    def post(self, request, pk: int):
        registration = get_object_or_404(Registration.objects.select_related("activity"), pk=pk)
        if not can_manage_activity(request.user, registration.activity):
            raise NotFound()
        form = MarkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        registration = services.registration_mark(
            by=request.user, registration=registration, status=form.validated_data["status"]
        )
        return Response(RegistrationSerializer(registration).data)


class ActivityReportView(APIView):
    """The after-action report, for those who may read it."""

    permission_classes = [VettedMember]

    @extend_schema(responses=ReportSerializer)
    def get(self, request, pk: int):
        activity = _activity(request, pk)
        try:
            report = selectors.report_for(user=request.user, activity=activity)
        except Http404:
            raise NotFound() from None
        return Response(ReportSerializer(report).data)


def _action(request, pk: int) -> CorrectiveAction:
    action = (
        CorrectiveAction.objects.select_related("observation__report__activity", "sop", "assignee")
        .filter(pk=pk)
        .first()
    )
    if action is None or not (
        can_view_report(request.user, action.observation.report)
        or (action.sop and can_edit_sop(request.user, action.sop))
    ):
        raise NotFound()
    return action


class ActionUpdateView(APIView):
    permission_classes = [VettedMember]

    @extend_schema(request=ActionUpdateSerializer, responses=ActionSerializer)
    def post(self, request, pk: int):
        form = ActionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        action = services.action_update(
            by=request.user, action=_action(request, pk), **form.validated_data
        )
        return Response(ActionSerializer(action).data)


class ActionAddressView(APIView):
    """Name the revision of the SOP that addresses this change request (its editors)."""

    permission_classes = [VettedMember]

    @extend_schema(request=AddressSerializer, responses=ActionSerializer)
    def post(self, request, pk: int):
        action = _action(request, pk)
        form = AddressSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = SOPVersion.objects.filter(pk=form.validated_data["version"]).first()
        if version is None or not can_view_version(request.user, version):
            raise NotFound()
        action = services.action_address(by=request.user, action=action, version=version)
        return Response(ActionSerializer(action).data)


class CascadeView(APIView):
    """Per country and topic: trainers qualified, activities they ran, people reached."""

    permission_classes = [VettedMember]

    @extend_schema(parameters=[CascadeFilterSerializer], responses=CascadeRowSerializer(many=True))
    def get(self, request):
        form = CascadeFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        country = Country.objects.filter(code=(data.get("country") or "").upper()).first()
        topic = Topic.objects.filter(slug=data.get("topic") or "").first()
        rows = selectors.cascade_table(country=country, topic=topic)
        return Response(CascadeRowSerializer(rows, many=True).data)
