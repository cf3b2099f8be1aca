"""Procedures over HTTP: read, draft, review, publish, withdraw, revise, adapt, attach.

Views parse and shape; every change goes through ``sops.services`` so permissions, events
and notifications are the same as from the pages. What a viewer may not see answers 404.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import PreconditionFailed, PreconditionRequired
from api.lookups import lookup, resolve
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
    TranslationLinkSerializer,
    VersionBriefSerializer,
    VersionSerializer,
    VersionUpdateSerializer,
    version_etag,
)
from frontline.errors import StaleEdit
from network.models import Agency, Country, Language, Topic
from sops import selectors, services
from sops.diff import word_diff
from sops.files import ALLOWED as ATTACHMENT_TYPES
from sops.files import attachment_response
from sops.models import SOPVersion
from sops.translations import translation_links

NOT_FOUND = _("Not found, or you may not see it.")

ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    required=True,
    response=[200, 201],
    description="This version's current entity tag: send it back as If-Match to edit it.",
)


def _sop_or_404(request, pk):
    sop = selectors.sop_for_viewer(user=request.user, pk=pk)
    if sop is None:
        raise NotFound(NOT_FOUND)
    return sop


def _version_or_404(request, pk):
    version = selectors.version_for_viewer(user=request.user, pk=pk)
    if version is None:
        raise NotFound(NOT_FOUND)
    return version


def _version_response(request, version: SOPVersion, code=status.HTTP_200_OK) -> Response:
    version = selectors.version_for_viewer(user=request.user, pk=version.pk) or version
    data = VersionSerializer(version, context={"request": request}).data
    return Response(data, status=code, headers={"ETag": version_etag(version)})


class SOPListView(GenericAPIView):
    """Procedures the caller may see, filtered and paged; POST creates one with its first draft."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = SOPSerializer

    @extend_schema(parameters=[SOPFilterSerializer], responses=SOPSerializer(many=True))
    def get(self, request):
        form = SOPFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        filters, unknown = resolve(
            {
                "q": data.get("q", ""),
                "visibility": data.get("visibility", ""),
                "status": data.get("status", ""),
                "agency": lookup(Agency, "code", data.get("agency")),
                "topic": lookup(Topic, "slug", data.get("topic")),
                "country": lookup(Country, "code", data.get("country", "").upper()),
                "language": lookup(Language, "code", data.get("language")),
            }
        )
        qs = selectors.sop_list(user=request.user, filters=filters)
        if unknown:
            qs = qs.none()
        page = self.paginate_queryset(qs)
        context = {
            "request": request,
            "translation_links": translation_links(user=request.user, sops=page),
        }
        return self.get_paginated_response(SOPSerializer(page, many=True, context=context).data)

    @extend_schema(
        request=SOPCreateSerializer, responses={201: VersionSerializer}, parameters=[ETAG]
    )
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


class SOPTranslationView(APIView):
    """Link this procedure as the translation of another of its agency's (POST), or unlink
    it (DELETE). For the agency's publishers; the service says what is refused and why."""

    permission_classes = [SignedIn]

    @extend_schema(request=TranslationLinkSerializer, responses=SOPDetailSerializer)
    def post(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        form = TranslationLinkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        source = selectors.sop_for_viewer(user=request.user, pk=form.validated_data["source"])
        if source is None:
            raise ValidationError({"source": [_("No such procedure, or you may not see it.")]})
        version = None
        if "source_version" in form.validated_data:
            version = _visible_version(
                request, form.validated_data["source_version"], "source_version"
            )
        services.sop_translation_link(
            translation=sop, source=source, by=request.user, source_version=version
        )
        return self._detail(request, pk)

    @extend_schema(request=None, responses=SOPDetailSerializer)
    def delete(self, request, pk: int):
        sop = _sop_or_404(request, pk)
        services.sop_translation_unlink(translation=sop, by=request.user)
        return self._detail(request, pk)

    def _detail(self, request, pk: int) -> Response:
        sop = _sop_or_404(request, pk)
        versions = selectors.sop_versions(user=request.user, sop=sop)
        context = {"request": request, "versions": versions}
        return Response(SOPDetailSerializer(sop, context=context).data)


def _visible_version(request, pk: int, field: str) -> SOPVersion:
    """A version the caller may read, or a 400 on ``field`` (the same words whether it
    exists or not)."""
    version = selectors.version_for_viewer(user=request.user, pk=pk)
    if version is None:
        raise ValidationError({field: [_("No such version, or you may not see it.")]})
    return version


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

    @extend_schema(
        request=RevisionSerializer, responses={201: VersionSerializer}, parameters=[ETAG]
    )
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


# RFC 9110 section 13.1.1: If-Match is "*" or a comma-separated list of entity tags.
ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_SYNTAX = re.compile(rf"^\s*(?:\*|{ENTITY_TAG}(?:\s*,\s*{ENTITY_TAG})*)\s*$")

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=IF_MATCH_SYNTAX.pattern,
    description=(
        'The ETag from your last GET of this version (e.g. `"34-2"`; several may be listed), '
        "or `*` to save over whatever the draft holds now (RFC 9110: `*` matches any current "
        "representation). Without it: 428. A well-formed ETag that is no longer current: 412, "
        "and nothing changes. A header that is not `*` or a list of quoted ETags: 400."
    ),
)


class VersionDetailView(APIView):
    """A version with raw and rendered text. Drafts are edited with If-Match."""

    permission_classes = [ReadAnyoneWriteSignedIn]

    @extend_schema(responses=VersionSerializer, parameters=[ETAG])
    def get(self, request, pk: int):
        return _version_response(request, _version_or_404(request, pk))

    @extend_schema(
        request=VersionUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: VersionSerializer},
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=VersionUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: VersionSerializer},
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool):
        version = _version_or_404(request, pk)
        # A body that is not valid is a 400 whatever If-Match says: nothing to compare yet.
        form = VersionUpdateSerializer(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        expected = _expected_edit_count(request, version)
        try:
            updated = services.version_update(
                version=version,
                by=request.user,
                expected_edit_count=expected,
                **form.validated_data,
            )
        except StaleEdit as exc:
            raise PreconditionFailed(exc.message) from exc
        return _version_response(request, updated)


def _expected_edit_count(request, version: SOPVersion) -> int | None:
    """The edit count the caller's If-Match names (None for ``*``: any current text).

    428 without the header, 400 when it is no list of ETags, 412 when none is current.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Send If-Match with the ETag of your last GET of this version, so no edit is lost.")
        )
    if not IF_MATCH_SYNTAX.match(header):
        raise ValidationError(
            {"If-Match": [_('Send "*" or the ETag you read, in double quotes (e.g. "34-2").')]}
        )
    if header == "*":
        return None
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


@extend_schema(request=None, responses=VersionSerializer, parameters=[ETAG])
class VersionSubmitView(_TransitionView):
    input_serializer = None

    def perform(self, request, version, data):
        return services.version_submit(version=version, by=request.user)


@extend_schema(request=ReasonSerializer, responses=VersionSerializer, parameters=[ETAG])
class VersionReturnView(_TransitionView):
    input_serializer = ReasonSerializer

    def perform(self, request, version, data):
        return services.version_return(version=version, by=request.user, reason=data["reason"])


@extend_schema(request=PublishSerializer, responses=VersionSerializer, parameters=[ETAG])
class VersionPublishView(_TransitionView):
    input_serializer = PublishSerializer

    def perform(self, request, version, data):
        translated_from = None
        if "translated_from" in data:
            translated_from = _visible_version(request, data["translated_from"], "translated_from")
        return services.version_publish(
            version=version,
            by=request.user,
            change_summary=data.get("change_summary"),
            acknowledge_days=data.get("acknowledge_days"),
            translated_from=translated_from,
        )


@extend_schema(request=ReasonSerializer, responses=VersionSerializer, parameters=[ETAG])
class VersionWithdrawView(_TransitionView):
    input_serializer = ReasonSerializer

    def perform(self, request, version, data):
        return services.version_withdraw(version=version, by=request.user, reason=data["reason"])


class VersionAdaptView(APIView):
    """Start one's own agency's procedure from this published version."""

    permission_classes = [SignedIn]

    @extend_schema(request=AdaptSerializer, responses={201: VersionSerializer}, parameters=[ETAG])
    def post(self, request, pk: int):
        source = _version_or_404(request, pk)
        form = AdaptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = services.sop_adapt(source=source, by=request.user, **form.validated_data)
        return _version_response(request, draft, status.HTTP_201_CREATED)


class VersionAttachmentsView(APIView):
    """List a version's files, or attach one to a draft (multipart, field ``file``)."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    parser_classes = [MultiPartParser]

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
        responses={
            (200, media_type): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as an attachment, in the media type its content was "
                "recognised as when it was uploaded.",
            )
            for media_type in ATTACHMENT_TYPES
        }
    )
    def get(self, request, pk: int):
        attachment = selectors.attachment_for_viewer(user=request.user, pk=pk)
        if attachment is None:
            raise NotFound(NOT_FOUND)
        try:
            return attachment_response(attachment)
        except FileNotFoundError as exc:
            raise NotFound(NOT_FOUND) from exc
