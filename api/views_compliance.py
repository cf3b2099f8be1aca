"""What binds people, over the API: acknowledging, "reviewed, no change", what the caller
owes, and an agency's acknowledgement record. Reads come from ``sops.compliance``;
changes go through ``sops.services``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.serializers import VersionSerializer
from api.views import _version_or_404, _version_response
from network.models import Agency, Membership
from network.permissions import has_role
from sops import compliance, services


class AcknowledgementSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="version_id")
    acknowledged = serializers.DateTimeField(source="created")


class ReviewedSerializer(serializers.Serializer):
    next_review = serializers.DateField()


class OwedSerializer(serializers.Serializer):
    sop = serializers.IntegerField(source="sop.pk")
    reference = serializers.CharField(source="sop.reference")
    title = serializers.CharField(source="sop.title")
    major_version = serializers.IntegerField(source="major.pk")
    major_number = serializers.CharField(source="major.number")
    acknowledge_version = serializers.IntegerField(
        source="in_force.pk", help_text="Acknowledge this version (in force): it covers the major."
    )
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class MemberStateSerializer(serializers.Serializer):
    user = serializers.CharField()
    name = serializers.CharField()
    acknowledged_number = serializers.CharField(allow_null=True)


class AgencyAcknowledgementSerializer(serializers.Serializer):
    sop = serializers.IntegerField()
    reference = serializers.CharField()
    in_force = serializers.CharField(allow_null=True)
    major = serializers.CharField()
    acknowledge_by = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    acknowledged = MemberStateSerializer(many=True)
    pending = MemberStateSerializer(many=True)


class VersionAcknowledgeView(APIView):
    """Acknowledge the version in force (it covers the earlier major revisions)."""

    permission_classes = [SignedIn]

    @extend_schema(request=None, responses=AcknowledgementSerializer)
    def post(self, request, pk: int):
        version = _version_or_404(request, pk)
        ack = services.version_acknowledge(version=version, by=request.user)
        return Response(AcknowledgementSerializer(ack).data)


class VersionReviewedView(APIView):
    """ "Reviewed, no change": the version in force stays; its next review date moves."""

    permission_classes = [SignedIn]

    @extend_schema(request=ReviewedSerializer, responses=VersionSerializer)
    def post(self, request, pk: int):
        version = _version_or_404(request, pk)
        form = ReviewedSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.version_mark_reviewed(
            version=version, by=request.user, next_review=form.validated_data["next_review"]
        )
        return _version_response(request, done)


class MyAcknowledgementsView(APIView):
    """The procedures the caller must still acknowledge, soonest due first."""

    permission_classes = [SignedIn]

    @extend_schema(responses=OwedSerializer(many=True))
    def get(self, request):
        owed = compliance.acknowledgements_owed(user=request.user)
        return Response(OwedSerializer(owed, many=True).data)


def _member(membership, number=None) -> dict:
    return {
        "user": membership.expert.user.get_username(),
        "name": membership.expert.full_name,
        "acknowledged_number": number,
    }


class AgencyAcknowledgementsView(APIView):
    """Per procedure of the agency: who has and has not acknowledged its latest major
    revision. For the agency's publishers and admins."""

    permission_classes = [SignedIn]

    @extend_schema(responses=AgencyAcknowledgementSerializer(many=True))
    def get(self, request, code: str):
        agency = get_object_or_404(Agency, code=code)
        if not has_role(request.user, agency, Membership.Role.PUBLISHER):
            raise PermissionDenied(_("For the agency's publishers and admins."))
        rows = [
            {
                "sop": row.sop.pk,
                "reference": row.sop.reference,
                "in_force": row.in_force.number if row.in_force else None,
                "major": row.major.number,
                "acknowledge_by": row.major.acknowledge_by,
                "overdue": row.overdue,
                "acknowledged": [_member(m, n) for m, n in row.acknowledged],
                "pending": [_member(m) for m in row.pending],
            }
            for row in compliance.agency_acknowledgements(agency=agency)
            if row.major is not None
        ]
        return Response(AgencyAcknowledgementSerializer(rows, many=True).data)
