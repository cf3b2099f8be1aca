"""Forms for procedures. They collect input; the services in sops.services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.forms import any_of
from frontline.text import validate_single_line
from network.models import Agency, Country, Language, Membership, Topic
from network.permissions import agencies_with_role
from sops.limits import validate_body
from sops.models import SOP, SOPVersion

STATUS_CHOICES = [
    ("", _("Any status")),
    ("published", _("In force (published)")),
    ("withdrawn", _("Withdrawn")),
    ("draft", _("Draft or in review (my agencies)")),
    ("review_overdue", _("Review overdue")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def editor_agencies(user, exclude: int | None = None):
    """Agencies where ``user`` may write drafts (editor and up; staff: every agency)."""
    ids = agencies_with_role(user, Membership.Role.EDITOR)
    qs = Agency.objects.select_related("country").order_by("country__name", "name")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


class SOPFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or reference"), required=False)
    agency = any_of(Agency.objects.order_by("name"), _("Agency"), to_field_name="code")
    country = any_of(Country.objects.all(), _("Applies in"), to_field_name="code")
    topic = any_of(Topic.objects.filter(kind=Topic.Kind.AREA), _("CBRN area"), to_field_name="slug")
    category = any_of(
        Topic.objects.filter(kind=Topic.Kind.CATEGORY), _("CBRN category"), to_field_name="slug"
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    language = any_of(Language.objects.all(), _("Language"), to_field_name="code")


class SOPCreateForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Agency"))
    reference = forms.CharField(
        label=_("Reference code"),
        max_length=60,
        help_text=_("Unique in your agency, e.g. BIO-07."),
        validators=[validate_single_line],
    )
    title = forms.CharField(label=_("Title"), max_length=300, validators=[validate_single_line])
    language = forms.ModelChoiceField(Language.objects.all(), label=_("Language"))
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=SOP.Visibility.choices, initial=SOP.Visibility.NETWORK
    )
    partner_agencies = forms.ModelMultipleChoiceField(
        Agency.objects.select_related("country").order_by("country__name", "name"),
        label=_("Partner agencies that may read it (agency visibility)"),
        required=False,
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        label=_("CBRN areas and categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        label=_("Applies in"),
        required=False,
        help_text=_("Empty: the agency's own country."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        validators=[validate_body],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = editor_agencies(user)


class VersionForm(forms.ModelForm):
    """A draft's fields plus the edit count the form was built from (the concurrency guard)."""

    edit_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = SOPVersion
        fields = ["title", "body", "change_kind", "change_summary", "effective_date", "review_due"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "data-editor": "body"}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
            "effective_date": DATE,
            "review_due": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False
        if not self.is_bound:
            self.initial["edit_count"] = self.instance.edit_count

    def take_current_edit_count(self, version: SOPVersion) -> None:
        """After a conflict, let the next save go through on top of what is saved now."""
        data = self.data.copy()
        data["edit_count"] = str(version.edit_count)
        self.data = data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PublishForm(forms.Form):
    change_summary = forms.CharField(
        label=_("Change summary (readers see it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    acknowledge_days = forms.IntegerField(
        label=_("Days to acknowledge (major revision), counted from the effective date"),
        min_value=1,
        max_value=365,
        required=False,
    )

    translated_from = forms.ModelChoiceField(
        SOPVersion.objects.none(),
        label=_("Source version this translation renders"),
        required=False,
        empty_label=_("The source's version in force now"),
    )

    def __init__(self, *args, policy=None, sop: SOP | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if policy is not None:
            self.fields["acknowledge_days"].initial = policy.acknowledge_days
        if sop is not None and sop.translation_of_id:
            from sops.translations import source_versions_for_choice

            choices = source_versions_for_choice(sop)
            field = self.fields["translated_from"]
            field.queryset = SOPVersion.objects.filter(pk__in=[v.pk for v in choices])
            field.label_from_instance = lambda v: f"{v.number} ({v.get_status_display()})"
        else:
            del self.fields["translated_from"]


class TranslationLinkForm(forms.Form):
    """Which procedure of the agency this one translates (the service checks the rules)."""

    source = forms.ModelChoiceField(
        SOP.objects.none(), label=_("This procedure is a translation of")
    )

    def __init__(self, *args, sop: SOP, **kwargs):
        super().__init__(*args, **kwargs)
        from sops.translations import link_candidates

        self.fields["source"].queryset = link_candidates(sop)
        self.fields["source"].label_from_instance = lambda s: (
            f"{s.reference} {s.title} ({s.language.name})"
        )


class ReviewedForm(forms.Form):
    next_review = forms.DateField(label=_("Next review due"), widget=DATE)


class RevisionForm(forms.Form):
    change_kind = forms.ChoiceField(
        label=_("Kind of change"),
        choices=SOPVersion.ChangeKind.choices,
        initial=SOPVersion.ChangeKind.MINOR,
    )


class AdaptForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Your agency"))
    reference = forms.CharField(
        label=_("Reference code in your agency"), max_length=60, validators=[validate_single_line]
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Empty: keep the title."),
        validators=[validate_single_line],
    )

    def __init__(self, *args, user, source_agency_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = editor_agencies(user, exclude=source_agency_id)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, PNG or JPEG)"))


class AgencyPolicyForm(forms.Form):
    four_eyes = forms.BooleanField(
        label=_("Four eyes: whoever wrote or last edited a draft cannot publish it"),
        required=False,
    )
    acknowledge_days = forms.IntegerField(
        label=_("Days members have to acknowledge a major revision"), min_value=1, max_value=365
    )
