"""Forms of the training pages: they check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.forms import any_of
from network.models import Agency, Country, Expert, Language, Topic
from sops.models import SOP, SOPVersion
from training.models import Activity, CorrectiveAction, Observation


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or place"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any"))] + Activity.Kind.choices, required=False
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=[("", _("Any"))] + Activity.Scope.choices, required=False
    )
    agency = any_of(Agency.objects.order_by("name"), _("Agency"), to_field_name="code")
    country = any_of(Country.objects.all(), _("Country"), to_field_name="code")
    topic = any_of(Topic.objects.all(), _("Topic"), to_field_name="slug")
    after = forms.DateField(label=_("From"), required=False, widget=DateInput)
    before = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class ActivityForm(forms.Form):
    organiser = forms.ModelChoiceField(Agency.objects.none(), label=_("Organising agency"))
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=Activity.Scope.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts = forms.DateField(label=_("Starts"), widget=DateInput)
    ends = forms.DateField(label=_("Ends"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    language = forms.ModelChoiceField(Language.objects.all(), label=_("Language"), required=False)
    participating_agencies = forms.ModelMultipleChoiceField(
        Agency.objects.order_by("name"), label=_("Participating agencies"), required=False
    )
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(), label=_("Countries"), required=False
    )
    topics = forms.ModelMultipleChoiceField(Topic.objects.all(), label=_("Topics"), required=False)
    sop_versions = forms.ModelMultipleChoiceField(
        SOPVersion.objects.none(), label=_("Procedures trained or exercised"), required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100000, required=False
    )
    registration_opens = forms.DateField(
        label=_("Registration opens"), required=False, widget=DateInput
    )
    registration_closes = forms.DateField(
        label=_("Registration closes"), required=False, widget=DateInput
    )

    def __init__(self, *args, agencies, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = agencies
        self.fields["sop_versions"].queryset = versions
        self.fields["sop_versions"].label_from_instance = lambda v: (
            f"{v.sop.reference} {v.number} – {v.title}"
        )

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("An activity cannot end before it starts."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NominateForm(forms.Form):
    membership = forms.ModelChoiceField(None, label=_("Member to nominate"))

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.expert.full_name} ({m.agency.acronym})"
        )


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    final = forms.BooleanField(label=_("Final (participants can read it)"), required=False)
    shared_with_network = forms.BooleanField(
        label=_("Share with the whole network"), required=False
    )


class ObservationForm(forms.Form):
    capability = forms.CharField(label=_("Capability"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Observation.Kind.choices)
    text = forms.CharField(
        label=_("Observation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(forms.Form):
    observation = forms.ModelChoiceField(
        Observation.objects.none(), label=_("Area for improvement")
    )
    title = forms.CharField(label=_("Corrective action"), max_length=300)
    owner = forms.ModelChoiceField(Agency.objects.order_by("name"), label=_("Owning agency"))
    due = forms.DateField(label=_("Due"), widget=DateInput)
    sop = forms.ModelChoiceField(
        SOP.objects.none(), label=_("Procedure to change (a change request)"), required=False
    )

    def __init__(self, *args, observations, sops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observation"].queryset = observations
        self.fields["observation"].label_from_instance = lambda o: f"{o.capability}: {o.text[:60]}"
        self.fields["sop"].queryset = sops
        self.fields["sop"].label_from_instance = lambda s: f"{s.reference} – {s.title}"


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CorrectiveAction.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        Expert.objects.none(), label=_("Assignee"), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class AddressForm(forms.Form):
    version = forms.ModelChoiceField(
        SOPVersion.objects.none(), label=_("Revision that addresses it"), empty_label=None
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: (
            f"{v.sop.reference} {v.number or _('draft')} ({v.get_status_display()})"
        )
