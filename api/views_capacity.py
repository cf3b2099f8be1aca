"""Capacities and needs over HTTP. Reads go through ``capacity.selectors`` (TLP applied
there: an assessment one may not see answers 404, and is not counted in any list);
writes call ``capacity.services``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.query import QuerySerializer, code_param, country_param, text_param
from capacity import selectors, services
from capacity.models import (
    TLP,
    Assessment,
    EquipmentDelivery,
    Indicator,
    Level,
    Need,
    Regulation,
    Score,
)
from network.models import Agency

# --- serializers


class IndicatorSerializer(serializers.ModelSerializer):
    levels = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "code", "title", "description", "order", "retired", "levels"]

    def get_levels(self, obj) -> dict[str, str]:
        return {str(v): obj.level_description(v) for v in Level.values}


class ScoreSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["indicator", "level", "justification"]


class AssessmentSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", read_only=True)
    lead_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    tlp_label = serializers.CharField(source="get_tlp_display", read_only=True)
    previous = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "country", "scope", "lead_agency", "agencies", "year", "status", "tlp",
            "tlp_label", "previous", "summary", "submitted", "validated",
        ]  # fmt: skip


class AssessmentDetailSerializer(AssessmentSerializer):
    scores = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "scores"]

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, obj):
        return ScoreSerializer(obj.scores.select_related("indicator"), many=True).data


class NeedSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="assessment.country_id", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tlp_label = serializers.CharField(source="get_tlp_display", read_only=True)
    met_by = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id", "assessment", "country", "indicator", "kind", "title", "priority", "status",
            "tlp", "tlp_label", "met_by", "met_note", "met_on",
        ]  # fmt: skip

    def get_met_by(self, obj) -> str:
        if obj.met_by_delivery_id:
            return f"delivery:{obj.met_by_delivery_id}"
        if obj.met_by_sop_id:
            return f"sop:{obj.met_by_sop_id}"
        if obj.met_by_regulation_id:
            return f"regulation:{obj.met_by_regulation_id}"
        if obj.met_by_type_id:
            return f"{obj.met_by_type.model}:{obj.met_by_id}"
        return ""


class DeliverySerializer(serializers.ModelSerializer):
    recipient = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country = serializers.CharField(source="recipient.country_id", read_only=True)

    class Meta:
        model = EquipmentDelivery
        fields = [
            "id", "item", "category", "quantity", "value_eur", "recipient", "country", "date",
            "programme",
        ]  # fmt: skip


class RegulationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", read_only=True)
    language = serializers.CharField(source="language_id", read_only=True, allow_null=True)
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Regulation
        fields = [
            "id", "country", "title_original", "title_en", "language", "kind", "date", "status",
            "url", "indicators",
        ]  # fmt: skip


class HeatMapRowSerializer(serializers.Serializer):
    country = serializers.CharField()
    assessment = serializers.IntegerField(allow_null=True)
    levels = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class HeatMapSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    indicators = serializers.ListField(child=serializers.CharField())
    rows = HeatMapRowSerializer(many=True)


class AssessmentStartSerializer(serializers.Serializer):
    lead_agency = serializers.SlugField(max_length=40, help_text="Code of the agency")
    scope = serializers.ChoiceField(choices=Assessment.Scope.choices, default="agency")
    agencies = serializers.ListField(child=serializers.SlugField(max_length=40), required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    tlp = serializers.ChoiceField(choices=TLP.choices)


class ScoreInputSerializer(serializers.Serializer):
    indicator = serializers.SlugField(max_length=40)
    level = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    justification = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class SubmitSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(min_value=1, help_text="User id of the reviewer")
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


# --- filters


class AssessmentFilterSerializer(QuerySerializer):
    country = country_param("ISO 3166 alpha-2 code")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    status = serializers.ChoiceField(required=False, choices=Assessment.Status.choices)


class HeatMapFilterSerializer(QuerySerializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    region = code_param("Region code, e.g. `SEEE`", max_length=8)


class NeedFilterSerializer(QuerySerializer):
    country = country_param("ISO 3166 alpha-2 code")
    kind = serializers.ChoiceField(required=False, choices=Need.Kind.choices)
    status = serializers.ChoiceField(required=False, choices=Need.Status.choices)


class DeliveryFilterSerializer(QuerySerializer):
    country = country_param("ISO 3166 alpha-2 code")
    category = serializers.ChoiceField(required=False, choices=EquipmentDelivery.Category.choices)


class RegulationFilterSerializer(QuerySerializer):
    country = country_param("ISO 3166 alpha-2 code")
    kind = serializers.ChoiceField(required=False, choices=Regulation.Kind.choices)
    q = text_param(200, "Words in either title (case-insensitive)")


# --- views


def _assessment_or_404(request, pk: int) -> Assessment:
    a = selectors.assessment_for_viewer(user=request.user, pk=pk)
    if a is None:
        raise NotFound(_("No such assessment, or it is not shared with you."))
    return a


def _detail(a: Assessment) -> Response:
    a = Assessment.objects.select_related("country", "lead_agency").get(pk=a.pk)
    return Response(AssessmentDetailSerializer(a).data)


class IndicatorListView(GenericAPIView):
    serializer_class = IndicatorSerializer
    pagination_class = None

    @extend_schema(responses=IndicatorSerializer(many=True))
    def get(self, request):
        return Response(IndicatorSerializer(Indicator.objects.all(), many=True).data)


class AssessmentListView(GenericAPIView):
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[AssessmentFilterSerializer], responses=AssessmentSerializer(many=True)
    )
    def get(self, request):
        form = AssessmentFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        qs = selectors.visible_assessments(request.user).select_related("country", "lead_agency")
        if data.get("country"):
            qs = qs.filter(country_id=data["country"].upper())
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        page = self.paginate_queryset(
            qs.prefetch_related("agencies").order_by("country_id", "-year", "pk")
        )
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(request=AssessmentStartSerializer, responses={201: AssessmentDetailSerializer})
    def post(self, request):
        form = AssessmentStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        codes = {data["lead_agency"], *data.get("agencies", [])}
        agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        if len(agencies) != len(codes):
            raise serializers.ValidationError({"agencies": [_("An agency code is unknown.")]})
        a = services.assessment_start(
            by=request.user, lead_agency=agencies[data["lead_agency"]], year=data["year"],
            tlp=data["tlp"], scope=data["scope"],
            agencies=[agencies[c] for c in data.get("agencies", [])],
        )  # fmt: skip
        response = _detail(a)
        response.status_code = 201
        return response


class AssessmentDetailView(GenericAPIView):
    serializer_class = AssessmentDetailSerializer

    @extend_schema(responses=AssessmentDetailSerializer)
    def get(self, request, pk: int):
        return _detail(_assessment_or_404(request, pk))


class AssessmentScoreView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=ScoreInputSerializer, responses=AssessmentDetailSerializer)
    def post(self, request, pk: int):
        a = _assessment_or_404(request, pk)
        form = ScoreInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        indicator = Indicator.objects.filter(code=data["indicator"]).first()
        if indicator is None:
            raise serializers.ValidationError({"indicator": [_("No indicator has this code.")]})
        services.score_set(
            by=request.user, assessment=a, indicator=indicator, level=data["level"],
            justification=data.get("justification", ""),
        )  # fmt: skip
        return _detail(a)


class AssessmentSubmitView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=SubmitSerializer, responses=AssessmentDetailSerializer)
    def post(self, request, pk: int):
        a = _assessment_or_404(request, pk)
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reviewer = get_user_model().objects.filter(pk=form.validated_data["reviewer"]).first()
        if reviewer is None:
            raise serializers.ValidationError({"reviewer": [_("No user has this id.")]})
        services.assessment_submit(
            by=request.user, assessment=a, reviewer=reviewer,
            comment=form.validated_data.get("comment", ""),
        )  # fmt: skip
        return _detail(a)


class AssessmentValidateView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=CommentSerializer, responses=AssessmentDetailSerializer)
    def post(self, request, pk: int):
        a = _assessment_or_404(request, pk)
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.assessment_validate(
            by=request.user, assessment=a, comment=form.validated_data.get("comment", "")
        )
        return _detail(a)


class AssessmentReturnView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=RequiredCommentSerializer, responses=AssessmentDetailSerializer)
    def post(self, request, pk: int):
        a = _assessment_or_404(request, pk)
        form = RequiredCommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.assessment_return(
            by=request.user, assessment=a, comment=form.validated_data["comment"]
        )
        return _detail(a)


class HeatMapView(GenericAPIView):
    serializer_class = HeatMapSerializer
    pagination_class = None

    @extend_schema(parameters=[HeatMapFilterSerializer], responses=HeatMapSerializer)
    def get(self, request):
        form = HeatMapFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        hm = selectors.heat_map(
            user=request.user,
            year=data.get("year"),
            region=(data.get("region") or "").upper() or None,
        )
        codes = [i.code for i in hm.indicators]
        rows = [
            {
                "country": country.code,
                "assessment": a.pk if a else None,
                "levels": dict(zip(codes, levels, strict=True)),
            }
            for country, a, levels in hm.rows
        ]
        return Response({"year": hm.year, "years": hm.years, "indicators": codes, "rows": rows})


class NeedListView(GenericAPIView):
    serializer_class = NeedSerializer

    @extend_schema(parameters=[NeedFilterSerializer], responses=NeedSerializer(many=True))
    def get(self, request):
        form = NeedFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["country"] = data.get("country", "").upper()
        page = self.paginate_queryset(selectors.need_list(user=request.user, filters=data))
        return self.get_paginated_response(NeedSerializer(page, many=True).data)


class DeliveryListView(GenericAPIView):
    serializer_class = DeliverySerializer

    @extend_schema(parameters=[DeliveryFilterSerializer], responses=DeliverySerializer(many=True))
    def get(self, request):
        form = DeliveryFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["country"] = data.get("country", "").upper()
        page = self.paginate_queryset(selectors.delivery_list(filters=data))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class RegulationListView(GenericAPIView):
    serializer_class = RegulationSerializer

    @extend_schema(
        parameters=[RegulationFilterSerializer], responses=RegulationSerializer(many=True)
    )
    def get(self, request):
        form = RegulationFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["country"] = data.get("country", "").upper()
        qs = selectors.regulation_list(user=request.user, filters=data)
        if data.get("q"):
            from django.db.models import Q

            qs = qs.filter(
                Q(title_en__icontains=data["q"]) | Q(title_original__icontains=data["q"])
            )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RegulationSerializer(page, many=True).data)
