"""The network over HTTP: agencies and topics for anyone, experts for vetted members."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.lookups import MISSING, lookup, resolve
from api.permissions import Vetted
from api.query import QuerySerializer, code_param, country_param, text_param
from api.serializers import AgencySerializer, ExpertSerializer, TopicSerializer
from network import selectors
from network.models import Agency, Country, Language, Region, Topic


class AgencyFilterSerializer(QuerySerializer):
    country = country_param("ISO 3166 alpha-2 code")
    region = code_param("Region code, e.g. `SEEE`", max_length=8)
    kind = serializers.ChoiceField(required=False, choices=Agency.Kind.choices)


class ExpertFilterSerializer(QuerySerializer):
    q = text_param(200, "Words in the name or position (case-insensitive)")
    country = country_param("ISO 3166 alpha-2 code")
    region = code_param("Region code", max_length=8)
    agency = code_param("Agency code")
    topic = code_param("Topic slug", max_length=50)
    language = code_param("Language code", max_length=8)
    trainer = serializers.BooleanField(required=False, default=False)


class TopicFilterSerializer(QuerySerializer):
    kind = serializers.ChoiceField(required=False, choices=Topic.Kind.choices)


class AgencyListView(GenericAPIView):
    serializer_class = AgencySerializer

    @extend_schema(parameters=[AgencyFilterSerializer], responses=AgencySerializer(many=True))
    def get(self, request):
        form = AgencyFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        region = lookup(Region, "code", data.get("region", "").upper())
        qs = selectors.agencies_directory(
            country=data.get("country", "").upper() or None,
            kind=data.get("kind", ""),
            region=None if region is MISSING else region,
        )
        if region is MISSING:
            qs = qs.none()
        page = self.paginate_queryset(qs.order_by("country__name", "name", "pk"))
        return self.get_paginated_response(AgencySerializer(page, many=True).data)


class AgencyDetailView(GenericAPIView):
    serializer_class = AgencySerializer

    @extend_schema(responses=AgencySerializer)
    def get(self, request, code: str):
        agency = Agency.objects.select_related("country", "parent").filter(code=code).first()
        if agency is None:
            raise NotFound(_("There is no agency with this code."))
        return Response(AgencySerializer(agency).data)


class ExpertListView(GenericAPIView):
    """Vetted experts, for vetted members (as the directory pages)."""

    permission_classes = [Vetted]
    serializer_class = ExpertSerializer

    @extend_schema(parameters=[ExpertFilterSerializer], responses=ExpertSerializer(many=True))
    def get(self, request):
        form = ExpertFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        filters = {
            "q": data.get("q", ""),
            "trainer": data.get("trainer", False),
            "country": lookup(Country, "code", data.get("country", "").upper()),
            "region": lookup(Region, "code", data.get("region", "").upper()),
            "agency": lookup(Agency, "code", data.get("agency")),
            "topic": lookup(Topic, "slug", data.get("topic")),
            "language": lookup(Language, "code", data.get("language")),
        }
        filters, unknown = resolve(filters)
        qs = selectors.experts_directory(filters=filters)
        if unknown:
            qs = qs.none()
        page = self.paginate_queryset(qs)
        context = {"request": request}
        return self.get_paginated_response(ExpertSerializer(page, many=True, context=context).data)


class ExpertDetailView(GenericAPIView):
    permission_classes = [Vetted]
    serializer_class = ExpertSerializer

    @extend_schema(responses=ExpertSerializer)
    def get(self, request, pk: int):
        expert = selectors.experts_directory(filters={}).filter(pk=pk).first()
        if expert is None:
            raise NotFound(_("There is no vetted expert with this id."))
        return Response(ExpertSerializer(expert, context={"request": request}).data)


class TopicListView(GenericAPIView):
    serializer_class = TopicSerializer
    pagination_class = None

    @extend_schema(parameters=[TopicFilterSerializer], responses=TopicSerializer(many=True))
    def get(self, request):
        form = TopicFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        qs = Topic.objects.order_by("kind", "name")
        if form.validated_data.get("kind"):
            qs = qs.filter(kind=form.validated_data["kind"])
        return Response(TopicSerializer(qs, many=True).data)
