"""Forms for signing up, editing a profile, filtering the directories and vetting."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from frontline.forms import LongSelect, OneQueryChoiceField, OneQueryChoices, any_of
from network.models import Agency, Country, Expert, Language, Membership, Region, Topic
from network.verification import EMAIL_TAKEN, email_taken


class ByLabelIterator(OneQueryChoices):
    """Regions, countries, languages and topics are shown translated (their __str__), so
    sort them by what the reader sees, not by the English name the database orders by.
    The empty choice still comes first, before any query: Select.use_required_attribute()
    only peeks at it."""

    def objects(self):
        def key(obj):
            label = str(self.field.label_from_instance(obj)).casefold().replace("ё", "е")
            return (getattr(obj, "kind", ""), label)  # topics: areas, then categories

        return sorted(super().objects(), key=key)


def by_label(field: forms.ModelChoiceField) -> forms.ModelChoiceField:
    field.iterator = ByLabelIterator
    field.widget.choices = field.choices  # the widget took its choices when built
    return field


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    agency = OneQueryChoiceField(
        label=_("Agency you work for"),
        queryset=Agency.objects.select_related("country").order_by("country__name", "name"),
        help_text=_("Its admins will vet your request before you see the network."),
    )
    contact_notice = _(
        "Your e-mail address and phone number are shown to colleagues in your agency only. "
        "You can show them to the whole network, or to nobody, on your profile."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        return name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "full_name",
            "position",
            "bio",
            "country",
            "languages",
            "topics",
            "is_trainer",
            "phone",
            "contact_visibility",
            "language",
            "timezone",
        ]
        labels = {"country": _("Country")}
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 5}),
            "timezone": LongSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("country", "languages", "topics"):
            by_label(self.fields[name])


class ExpertFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or position"), required=False)
    region = by_label(any_of(Region.objects.all(), _("Region"), to_field_name="code"))
    country = by_label(any_of(Country.objects.all(), _("Country"), to_field_name="code"))
    agency = any_of(Agency.objects.all(), _("Agency"), to_field_name="code")
    topic = by_label(any_of(Topic.objects.all(), _("Topic"), to_field_name="slug"))
    language = by_label(any_of(Language.objects.all(), _("Language"), to_field_name="code"))
    trainer = forms.BooleanField(label=_("Trainers only"), required=False)


class AgencyFilterForm(forms.Form):
    country = by_label(any_of(Country.objects.all(), _("Country"), to_field_name="code"))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Agency.Kind.choices]
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant sees it)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JoinAgencyForm(forms.Form):
    agency = OneQueryChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.select_related("country").order_by("country__name", "name"),
    )
