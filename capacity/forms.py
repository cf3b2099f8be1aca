"""Forms of the capacity pages. They check shapes; the rules are in ``capacity.services``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capacity.models import (
    TLP,
    Assessment,
    EquipmentDelivery,
    Evidence,
    Indicator,
    Level,
    Need,
    Regulation,
)
from capacity.permissions import assessed_agency_ids, draftable_agency_ids
from network.models import Agency, Membership
from sops.models import SOP
from sops.permissions import visible_sops_q


def _people():
    """Vetted people (and staff), by name: who can be named on or review an assessment."""
    return (
        get_user_model()
        .objects.filter(is_active=True, expert__memberships__status=Membership.Status.APPROVED)
        .select_related("expert")
        .distinct()
        .order_by("expert__full_name")
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return getattr(getattr(obj, "expert", None), "full_name", "") or obj.get_username()


class ReviewerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return PersonChoice.label_from_instance(self, obj)


class AssessmentStartForm(forms.Form):
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    scope = forms.ChoiceField(choices=Assessment.Scope.choices, label=_("Who is assessed"))
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label=_("Other agencies of the country taking part"),
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    tlp = forms.ChoiceField(choices=TLP.choices, initial=TLP.AMBER, label=_("Sharing (TLP)"))
    partner_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(), required=False, label=_("Shared with (TLP:AMBER)")
    )
    named_people = PersonChoice(
        queryset=get_user_model().objects.none(), required=False, label=_("People named (TLP:RED)")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = draftable_agency_ids(user)
        mine = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
        self.fields["lead_agency"].queryset = mine.select_related("country")
        countries = mine.values("country_id")
        self.fields["agencies"].queryset = Agency.objects.filter(country_id__in=countries)
        self.fields["named_people"].queryset = _people()


class AssessmentSharingForm(forms.Form):
    tlp = forms.ChoiceField(choices=TLP.choices, label=_("Sharing (TLP)"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    partner_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(), required=False, label=_("Shared with (TLP:AMBER)")
    )
    named_people = PersonChoice(
        queryset=get_user_model().objects.none(), required=False, label=_("People named (TLP:RED)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_people"].queryset = _people()


LEVEL_CHOICES = [
    ("", _("— not scored —")),
    *[(str(v), f"{v}: {label}") for v, label in Level.choices],
]


class ScoresForm(forms.Form):
    """One level and one justification per indicator of the assessment."""

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        for s in scores:
            self.fields[f"level_{s.indicator_id}"] = forms.ChoiceField(
                choices=LEVEL_CHOICES, required=False, label=s.indicator.title,
                initial=str(s.level or ""),
            )  # fmt: skip
            self.fields[f"justification_{s.indicator_id}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000,
                label=_("Justification"), initial=s.justification,
            )  # fmt: skip

    def rows(self):
        for s in self.scores:
            yield s, self[f"level_{s.indicator_id}"], self[f"justification_{s.indicator_id}"]


class SubmitForm(forms.Form):
    reviewer = ReviewerChoice(queryset=get_user_model().objects.none(), label=_("Reviewer"))
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        inside = Membership.objects.filter(
            agency_id__in=assessed_agency_ids(assessment), status=Membership.Status.APPROVED
        ).values("expert__user_id")
        others = _people().exclude(pk__in=inside).values("pk")
        self.fields["reviewer"].queryset = (
            get_user_model()
            .objects.filter(Q(is_staff=True, is_active=True) | Q(pk__in=others))
            .select_related("expert")
            .order_by("expert__full_name", "username")
        )


class TextForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment"), max_length=5000
    )


class OptionalTextForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Comment"),
        max_length=5000,
        required=False,
    )


class NeedForm(forms.Form):
    kind = forms.ChoiceField(choices=Need.Kind.choices, label=_("Kind"))
    title = forms.CharField(max_length=300, label=_("Need"))
    priority = forms.TypedChoiceField(
        choices=Need.Priority.choices, coerce=int, initial=Need.Priority.MEDIUM, label=_("Priority")
    )
    tlp = forms.ChoiceField(choices=TLP.choices, label=_("Sharing (TLP)"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NeedMetForm(forms.Form):
    delivery = forms.ModelChoiceField(queryset=EquipmentDelivery.objects.none(), required=False,
                                      label=_("Equipment delivery"))  # fmt: skip
    sop = forms.ModelChoiceField(queryset=SOP.objects.none(), required=False, label=_("Procedure"))
    regulation = forms.ModelChoiceField(queryset=Regulation.objects.none(), required=False,
                                        label=_("Regulation"))  # fmt: skip
    note = forms.CharField(max_length=300, required=False, label=_("How it was met"))

    def __init__(self, *args, need, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = assessed_agency_ids(need.assessment)
        self.fields["delivery"].queryset = EquipmentDelivery.objects.filter(
            recipient_id__in=agencies
        )
        self.fields["sop"].queryset = SOP.objects.filter(
            visible_sops_q(user), current_version__isnull=False
        ).distinct()
        self.fields["regulation"].queryset = Regulation.objects.filter(
            country_id=need.assessment.country_id
        )


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Need.Status if s != Need.Status.MET], label=_("Status")
    )


class EvidenceForm(forms.Form):
    """Link one piece of evidence to one indicator's score."""

    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("Indicator"))
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, label=_("Kind"))
    sop = forms.ModelChoiceField(queryset=SOP.objects.none(), required=False, label=_("Procedure"))
    regulation = forms.ModelChoiceField(queryset=Regulation.objects.none(), required=False,
                                        label=_("Regulation"))  # fmt: skip
    url = forms.URLField(
        required=False, max_length=500, label=_("Web address"), assume_scheme="https"
    )
    label = forms.CharField(required=False, max_length=200, label=_("Label"))

    def __init__(self, *args, assessment, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(scores__assessment=assessment)
        self.fields["sop"].queryset = (
            SOP.objects.filter(visible_sops_q(user), current_version__isnull=False)
            .distinct()
            .order_by("reference")
        )
        self.fields["regulation"].queryset = Regulation.objects.filter(
            country_id=assessment.country_id
        )
