"""Procedures over HTTP: read, draft, review, publish, withdraw, revise, adapt, attach.

Views parse and shape; every change goes through ``sops.services`` so permissions, events
and notifications are the same as from the pages. What a viewer may not see answers 404.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.errors import PreconditionFailed, PreconditionRequired
from api.permissions import ReadAnyoneWriteSignedIn, SignedIn
from api.serializers import (
    AdaptSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DiffQuerySerializer,
    DiffSerializer,
    PublishSerializer,
    ReasonSerializer,
    RevisionSerializer,
    SOPCreateSerializer,
    SOPDetailSerializer,
    SOPFilterSerializer,
    SOPSerializer,
    VersionBriefSerializer,
    VersionSerializer,
    VersionUpdateSerializer,
    version_etag,
)
from frontline.errors import Conflict
from sops import services
from sops.diff import word_diff
from sops.models import SOPVersion

NOT_FOUND = _("Not found, or you may not see it.")


def _sop_or_404(request, pk):
    sop = selectors.sop_get(user=request.user, pk=pk)
    if sop is None:
        raise NotFound(NOT_FOUND)
    return sop


def _version_or_404(request, pk):
    version = selectors.version_get(user=request.user, pk=pk)
    if version is None:
        raise NotFound(NOT_FOUND)
    return version


def _version_response(request, version: SOPVersion, code=status.HTTP_200_OK) -> Response:
    version = selectors.version_get(user=request.user, pk=version.pk) or version
    data = VersionSerializer(version, context={"request": request}).data
    return Response(data, status=code, headers={"ETag": version_etag(version)})


class SOPListView(GenericAPIView):
    """Procedures the caller may see, filtered and paged; POST creates one with its first draft."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = SOPSerializer

    @extend_schema(parameters=[SOPFilterSerializer], responses=SOPSerializer(many=True))
    def get(self, request):
        filters = SOPFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.sop_list(user=request.user, filters=filters.validated_data)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SOPSerializer(page, many=True).data)

    @extend_schema(request=SOPCreateSerializer, responses={201: VersionSerializer})
    def post(self, request):
        form = SOPCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = services.sop_create(by=request.user, **form.validated_data)
        return _version_response(request, draft, status.HTTP_201_CREATED)


class SOPDetailView(APIView):
    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(responses=SOPDetailSerializer)
    def get(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        versions = selectors.sop_versions(user=request.user, sop=sop)
        context = {"request": request, "versions": versions}
        return Response(SOPDetailSerializer(sop, context=context).data)


class SOPVersionsView(APIView):
    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(responses=VersionBriefSerializer(many=True))
    def get(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        versions = selectors.sop_versions(user=request.user, sop=sop)
        return Response(VersionBriefSerializer(versions, many=True).data)


class SOPRevisionView(APIView):
    """Start a new draft from the text in force."""

    permission_classes = [SignedIn]

    @extend_schema(request=RevisionSerializer, responses={201: VersionSerializer})
    def post(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        form = RevisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = services.version_start_revision(
            sop=sop, by=request.user, change_kind=form.validated_data["change_kind"]
        )
        return _version_response(request, draft, status.HTTP_201_CREATED)


class SOPDiffView(APIView):
    """Word-level comparison of two readable versions of one procedure."""

    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(parameters=[DiffQuerySerializer], responses=DiffSerializer)
    def get(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        old = _version_or_404(request, query.validated_data["old"])
        new = _version_or_404(request, query.validated_data["new"])
        if old.sop_id != sop.pk or new.sop_id != sop.pk:
            raise NotFound(_("Both versions must belong to this procedure."))
        diff = word_diff(old.body, new.body)
        data = {
            "from_version": old.pk,
            "to_version": new.pk,
            "inline": diff.inline,
            "left": diff.left,
            "right": diff.right,
            "added": diff.added,
            "removed": diff.removed,
        }
        return Response(DiffSerializer(data).data)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag from the last GET of this version.",
)


class VersionDetailView(APIView):
    """A version with raw and rendered text. Drafts are edited with If-Match."""

    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(responses=VersionSerializer)
    def get(self, request, pk: int):
        return _version_response(request, _version_or_404(request, pk))

    @extend_schema(
        request=VersionUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: VersionSerializer},
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=VersionUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: VersionSerializer},
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool):
        version = _version_or_404(request, pk)
        expected = _expected_edit_count(request, version)
        form = VersionUpdateSerializer(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        try:
            updated = services.version_update(
                version=version,
                by=request.user,
                expected_edit_count=expected,
                **form.validated_data,
            )
        except Conflict as exc:
            raise PreconditionFailed(exc.message) from exc
        return _version_response(request, updated)


def _expected_edit_count(request, version: SOPVersion) -> int:
    """The edit count the caller's If-Match names; 428 without one, 412 when it is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired(
            _("Send If-Match with the ETag of your last GET of this version, so no edit is lost.")
        )
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    current = version_etag(version)
    if current not in tags:
        raise PreconditionFailed(
            _(
                "This draft changed since you read it (it is now %(etag)s). Nothing was saved: "
                "GET it again, merge your changes and send them with the new ETag."
            )
            % {"etag": current}
        )
    return version.edit_count


class _TransitionView(APIView):
    permission_classes = [SignedIn]

    def perform(self, request, version, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk: int):
        version = _version_or_404(request, pk)
        data = {}
        if self.input_serializer is not None:
            form = self.input_serializer(data=request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
        return _version_response(request, self.perform(request, version, data))


@extend_schema(request=None, responses=VersionSerializer)
class VersionSubmitView(_TransitionView):
    input_serializer = None

    def perform(self, request, version, data):
        return services.version_submit(version=version, by=request.user)


@extend_schema(request=ReasonSerializer, responses=VersionSerializer)
class VersionReturnView(_TransitionView):
    input_serializer = ReasonSerializer

    def perform(self, request, version, data):
        return services.version_return(version=version, by=request.user, reason=data["reason"])


@extend_schema(request=PublishSerializer, responses=VersionSerializer)
class VersionPublishView(_TransitionView):
    input_serializer = PublishSerializer

    def perform(self, request, version, data):
        return services.version_publish(
            version=version,
            by=request.user,
            change_summary=data.get("change_summary"),
            acknowledge_days=data.get("acknowledge_days"),
        )


@extend_schema(request=ReasonSerializer, responses=VersionSerializer)
class VersionWithdrawView(_TransitionView):
    input_serializer = ReasonSerializer

    def perform(self, request, version, data):
        return services.version_withdraw(version=version, by=request.user, reason=data["reason"])


class VersionAdaptView(APIView):
    """Start one's own agency's procedure from this published version."""

    permission_classes = [SignedIn]

    @extend_schema(request=AdaptSerializer, responses={201: VersionSerializer})
    def post(self, request, pk: int):
        source = _version_or_404(request, pk)
        form = AdaptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = services.sop_adapt(source=source, by=request.user, **form.validated_data)
        return _version_response(request, draft, status.HTTP_201_CREATED)


class VersionAttachmentsView(APIView):
    """List a version's files, or attach one to a draft (multipart, field ``file``)."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=AttachmentSerializer(many=True))
    def get(self, request, pk: int):
        version = _version_or_404(request, pk)
        context = {"request": request}
        return Response(
            AttachmentSerializer(version.attachments.all(), many=True, context=context).data
        )

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    def post(self, request, pk: int):
        version = _version_or_404(request, pk)
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            version=version, by=request.user, uploaded=form.validated_data["file"]
        )
        data = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    """The file itself, for those who may read its version."""

    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")}
    )
    def get(self, request, pk: int):
        attachment = selectors.attachment_get(user=request.user, pk=pk)
        if attachment is None:
            raise NotFound(NOT_FOUND)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
