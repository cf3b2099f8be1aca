"""Shapes of what the API reads and accepts. Serializers validate input; services decide."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import CodeRelatedField
from api.query import QuerySerializer, code_param, country_param, text_param
from frontline.text import validate_single_line
from network.models import Agency, Country, Expert, Language, Membership, Topic
from network.permissions import approved_memberships, can_see_contact
from sops import compliance
from sops.limits import validate_body
from sops.models import SOP, Attachment, SOPVersion
from sops.rendering import version_rendered


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.JSONField())


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "kind"]


class AgencySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id")
    country_name = serializers.CharField(source="country.name")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "acronym",
            "kind",
            "country",
            "country_name",
            "parent",
            "website",
            "description",
        ]


class MembershipBriefSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Membership
        fields = ["agency", "role"]


class ExpertSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", allow_null=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    agencies = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "full_name",
            "position",
            "bio",
            "country",
            "languages",
            "topics",
            "is_trainer",
            "agencies",
            "email",
            "phone",
        ]

    @extend_schema_field(MembershipBriefSerializer(many=True))
    def get_agencies(self, expert):
        return MembershipBriefSerializer(approved_memberships(expert), many=True).data

    def _contact(self, expert, value):
        return value if can_see_contact(self.context["request"].user, expert) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_email(self, expert):
        return self._contact(expert, expert.user.email)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, expert):
        return self._contact(expert, expert.phone)


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "created", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        path = reverse("api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class VersionBriefSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = SOPVersion
        fields = [
            "id",
            "number",
            "status",
            "title",
            "change_kind",
            "effective_date",
            "published",
            "created",
        ]


class VersionSerializer(serializers.ModelSerializer):
    """A version with its raw Markdown and the sanitised HTML that the pages show."""

    sop = serializers.IntegerField(source="sop_id")
    number = serializers.CharField(read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approver = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    based_on = serializers.IntegerField(source="based_on_id", allow_null=True)
    etag = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()
    toc = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = SOPVersion
        fields = [
            "id",
            "sop",
            "number",
            "status",
            "title",
            "change_summary",
            "change_kind",
            "effective_date",
            "review_due",
            "acknowledge_by",
            "reviewed",
            "based_on",
            "author",
            "approver",
            "returned_reason",
            "withdrawn_reason",
            "edit_count",
            "etag",
            "created",
            "updated",
            "submitted",
            "published",
            "withdrawn",
            "body",
            "html",
            "toc",
            "attachments",
        ]

    def _rendered(self, version):
        cache = self.context.setdefault("_rendered", {})
        if version.pk not in cache:
            cache[version.pk] = version_rendered(version)
        return cache[version.pk]

    def get_etag(self, version) -> str:
        return version_etag(version)

    def get_html(self, version) -> str:
        return self._rendered(version).html

    def get_toc(self, version) -> str:
        return self._rendered(version).toc


def version_etag(version: SOPVersion) -> str:
    return f'"{version.pk}-{version.edit_count}"'


class SOPLinkSerializer(serializers.Serializer):
    """Another procedure of a translation family, as the caller may see it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    language = serializers.CharField(help_text="Language code, e.g. `ru`.")
    version = serializers.CharField(
        allow_null=True, help_text="Its version in force (null: none in force)."
    )


class TranslationSerializer(SOPLinkSerializer):
    behind_since = serializers.CharField(
        allow_null=True,
        help_text="The first major or minor version of the source after the one this "
        "translation renders; null when it is up to date.",
    )


def _link_data(linked, *, with_behind: bool) -> dict:
    sop = linked.sop
    data = {
        "id": sop.pk,
        "reference": sop.reference,
        "language": sop.language_id,
        "version": sop.current_version.number if sop.current_version else None,
    }
    if with_behind:
        data["behind_since"] = linked.behind_since.number if linked.behind_since else None
    return data


class SOPSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    language = serializers.CharField(source="language_id")
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    current_version = VersionBriefSerializer(read_only=True, allow_null=True)
    adapted_from = serializers.IntegerField(source="adapted_from_id", allow_null=True)
    translation_of = serializers.SerializerMethodField(
        help_text="The source, when this procedure is a translation the caller may see it of."
    )
    translations = serializers.SerializerMethodField(
        help_text="Its translations that the caller may see."
    )
    behind_since = serializers.SerializerMethodField(
        help_text="A translation: the source version it is behind since (null: up to date)."
    )

    class Meta:
        model = SOP
        fields = [
            "id",
            "reference",
            "title",
            "agency",
            "language",
            "visibility",
            "topics",
            "countries",
            "current_version",
            "adapted_from",
            "translation_of",
            "translations",
            "behind_since",
            "created",
        ]

    def _links(self, sop):
        """From ``context["translation_links"]`` (the views read a page at once)."""
        links = self.context.get("translation_links")
        if links is None or sop.pk not in links:
            from sops.translations import links_for

            request = self.context.get("request")
            links = self.context.setdefault("translation_links", {})
            links[sop.pk] = links_for(user=getattr(request, "user", None), sop=sop)
        return links[sop.pk]

    @extend_schema_field(SOPLinkSerializer(allow_null=True))
    def get_translation_of(self, sop):
        source = self._links(sop).source
        return _link_data(source, with_behind=False) if source else None

    @extend_schema_field(TranslationSerializer(many=True))
    def get_translations(self, sop):
        return [_link_data(t, with_behind=True) for t in self._links(sop).translations]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_behind_since(self, sop):
        since = self._links(sop).behind_since
        return since.number if since else None


class SOPDetailSerializer(SOPSerializer):
    partner_agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    versions = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField(help_text="The version in force today.")
    upcoming = serializers.SerializerMethodField(
        help_text="A version approved to take effect later (its effective_date), if any."
    )

    class Meta(SOPSerializer.Meta):
        fields = [
            *SOPSerializer.Meta.fields,
            "partner_agencies",
            "versions",
            "in_force",
            "upcoming",
        ]

    @extend_schema_field(VersionBriefSerializer(allow_null=True))
    def get_in_force(self, sop):
        version = compliance.in_force(sop)
        return VersionBriefSerializer(version).data if version else None

    @extend_schema_field(VersionBriefSerializer(allow_null=True))
    def get_upcoming(self, sop):
        version = compliance.upcoming(sop)
        return VersionBriefSerializer(version).data if version else None

    @extend_schema_field(VersionBriefSerializer(many=True))
    def get_versions(self, sop):
        return VersionBriefSerializer(self.context["versions"], many=True).data


class DiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    inline = serializers.CharField()
    left = serializers.CharField()
    right = serializers.CharField()
    added = serializers.IntegerField()
    removed = serializers.IntegerField()


# Input ------------------------------------------------------------------------------------


class SOPFilterSerializer(QuerySerializer):
    q = text_param(
        200,
        "Words found in the title or the reference code (case-insensitive, anywhere in them); "
        "not the text: for that, use /search/.",
    )
    agency = code_param("The owning agency's code.")
    topic = code_param("A topic or CBRN category slug.", max_length=50)
    country = country_param("A country the procedure applies in (ISO 3166 alpha-2).")
    language = code_param("A language code, e.g. `en`.", max_length=8)
    visibility = serializers.ChoiceField(required=False, choices=SOP.Visibility.choices)
    status = serializers.ChoiceField(
        required=False,
        choices=["published", "withdrawn", "draft"],
        help_text="`draft`: a draft or a version in review is open. It only ever finds "
        "procedures of the agencies where you edit; for anyone else it finds nothing.",
    )


ONE_LINE = [validate_single_line]
BODY = [validate_body]


class SOPCreateSerializer(serializers.Serializer):
    agency = CodeRelatedField(slug_field="code", queryset=Agency.objects.all())
    reference = serializers.CharField(max_length=60, validators=ONE_LINE)
    title = serializers.CharField(max_length=300, validators=ONE_LINE)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, validators=BODY)
    language = CodeRelatedField(slug_field="code", queryset=Language.objects.all())
    visibility = serializers.ChoiceField(choices=SOP.Visibility.choices, default="network")
    topics = CodeRelatedField(
        slug_field="slug", many=True, queryset=Topic.objects.all(), required=False
    )
    countries = CodeRelatedField(
        slug_field="code", many=True, queryset=Country.objects.all(), required=False
    )
    partner_agencies = CodeRelatedField(
        slug_field="code", many=True, queryset=Agency.objects.all(), required=False
    )
    change_summary = serializers.CharField(required=False, allow_blank=True)
    change_kind = serializers.ChoiceField(choices=SOPVersion.ChangeKind.choices, default="major")
    effective_date = serializers.DateField(required=False, allow_null=True)
    review_due = serializers.DateField(required=False, allow_null=True)


class VersionUpdateSerializer(serializers.Serializer):
    """PUT sends every field; PATCH any of them."""

    title = serializers.CharField(max_length=300, validators=ONE_LINE)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, validators=BODY)
    change_summary = serializers.CharField(allow_blank=True, required=False)
    change_kind = serializers.ChoiceField(choices=SOPVersion.ChangeKind.choices, required=False)
    effective_date = serializers.DateField(allow_null=True, required=False)
    review_due = serializers.DateField(allow_null=True, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PublishSerializer(serializers.Serializer):
    change_summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    acknowledge_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        help_text="Major revision: days after the effective date to acknowledge it "
        "(default: the agency's, 14).",
    )
    translated_from = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A translation: the id of the source version this version renders "
        "(default: the source's version in force).",
    )


class TranslationLinkSerializer(serializers.Serializer):
    source = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The id of the procedure this one translates."
    )
    source_version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="If this procedure has a version in force: the id of the source version "
        "its text renders (default: the source's version in force).",
    )


class RevisionSerializer(serializers.Serializer):
    change_kind = serializers.ChoiceField(choices=SOPVersion.ChangeKind.choices, default="minor")


class AdaptSerializer(serializers.Serializer):
    agency = CodeRelatedField(slug_field="code", queryset=Agency.objects.all())
    reference = serializers.CharField(max_length=60, validators=ONE_LINE)
    title = serializers.CharField(max_length=300, required=False, validators=ONE_LINE)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class DiffQuerySerializer(QuerySerializer):
    old = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="older version id")
    new = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="newer version id")
