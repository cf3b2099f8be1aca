"""Search, following and the inbox over HTTP, through the notifications and search apps."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.query import QuerySerializer, code_param, text_param
from network.models import Agency, Region
from notifications import selectors as inbox
from notifications import services as notify
from notifications.models import Notification, Subscription
from search.schema import FACETS
from search.service import PER_PAGE, SORTS, search

# Search ------------------------------------------------------------------------------


class SearchQuerySerializer(QuerySerializer):
    q = text_param(
        300,
        "Words in any field of procedures (the version in force), vetted experts and agencies: "
        '"a phrase", `pref*`, `word~` (fuzzy). Empty: browse by the filters alone.',
    )
    sort = serializers.ChoiceField(choices=SORTS, default="relevance")
    page = serializers.IntegerField(min_value=1, max_value=50, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=50, default=PER_PAGE)
    type = serializers.ChoiceField(choices=["sop", "expert", "agency"], required=False)
    topic = code_param("Topic slug", max_length=100)
    category = code_param("CBRN category slug", max_length=100)
    country = code_param("Country code", max_length=100)
    agency = code_param("Agency code", max_length=100)
    language = code_param("Language code", max_length=100)


class HitSerializer(serializers.Serializer):
    type = serializers.CharField(source="doctype")
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(help_text="HTML: matched words in <mark>")
    subtitle = serializers.CharField()
    url = serializers.CharField()
    reference = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: matched words in <mark>")
    language = serializers.CharField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(source="text")
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    suggestion = serializers.CharField()
    corrected = serializers.BooleanField()
    error = serializers.CharField()
    results = HitSerializer(many=True, source="hits")
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SearchView(APIView):
    """Procedures, experts and agencies the caller may see; visibility applies before counting."""

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchResultSerializer)
    def get(self, request):
        form = SearchQuerySerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        results = search(
            user=request.user,
            text=data.get("q", ""),
            filters={name: data[name] for name in FACETS if data.get(name)},
            sort=data["sort"],
            page=data["page"],
            per_page=data["page_size"],
        )
        return Response(SearchResultSerializer(results).data)


# Following ---------------------------------------------------------------------------


class SubscriptionSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["id", "kind", "target", "level", "in_app", "email_now", "digest", "created"]

    def get_target(self, subscription) -> str:
        target = getattr(subscription, subscription.kind)
        if subscription.kind in ("agency", "region"):
            return target.code
        return str(target.pk)


class FollowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Subscription.Kind.choices)
    target = serializers.CharField(
        max_length=60, help_text="SOP, expert or topic id; agency, country or region code"
    )
    level = serializers.ChoiceField(choices=Subscription.Level.choices, default="all")
    in_app = serializers.BooleanField(default=True)
    email_now = serializers.BooleanField(default=False)
    digest = serializers.BooleanField(default=False)


def _target_pk(kind: str, value: str) -> str | None:
    """Agencies and regions are named by code in the API; the rest by their key."""
    if kind == "agency":
        found = Agency.objects.filter(code=value).values_list("pk", flat=True).first()
        return str(found) if found else None
    if kind == "region":
        found = Region.objects.filter(code=value.upper()).values_list("pk", flat=True).first()
        return str(found) if found else None
    if kind == "country":
        return value.upper()
    return value if value.isdigit() else None


class FollowListView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=SubscriptionSerializer(many=True))
    def get(self, request):
        subscriptions = inbox.subscriptions_of(user=request.user)
        return Response(SubscriptionSerializer(subscriptions, many=True).data)

    @extend_schema(request=FollowSerializer, responses={201: SubscriptionSerializer})
    def post(self, request):
        form = FollowSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        kind = data.pop("kind")
        pk = _target_pk(kind, data.pop("target"))
        target = inbox.follow_target(kind=kind, pk=pk, user=request.user) if pk else None
        if target is None:
            raise NotFound(_("Nothing to follow there, or you may not see it."))
        subscription = notify.subscription_set(by=request.user, target=target, **data)
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


class FollowDetailView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        subscription = Subscription.objects.filter(pk=pk, user=request.user).first()
        if subscription is None:
            raise NotFound(_("You do not follow that."))
        notify.subscription_remove(by=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Inbox -------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    """A notification's words in the request's language (Accept-Language, or the
    signed-in expert's choice)."""

    sop = serializers.IntegerField(source="sop_id", allow_null=True)
    title = serializers.CharField(source="display_title", read_only=True)
    text = serializers.CharField(source="display_text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "text", "link", "sop", "created", "read"]


class InboxQuerySerializer(QuerySerializer):
    unread = serializers.BooleanField(default=False)


class InboxView(GenericAPIView):
    permission_classes = [SignedIn]
    serializer_class = NotificationSerializer

    @extend_schema(parameters=[InboxQuerySerializer], responses=NotificationSerializer(many=True))
    def get(self, request):
        form = InboxQuerySerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        qs = inbox.notifications_list(user=request.user, unread_only=form.validated_data["unread"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class InboxReadView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        notification = inbox.notifications_of(request.user).filter(pk=pk).first()
        if notification is None:
            raise NotFound(_("There is no such notification in your inbox."))
        notification = notify.notification_mark_read(by=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class InboxReadAllView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=None, responses=MarkedSerializer)
    def post(self, request):
        return Response({"marked": notify.notifications_mark_all_read(by=request.user)})
