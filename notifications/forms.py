from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.forms import OneQueryChoiceField
from network.models import Country, Region, Topic
from notifications.models import Subscription


class FollowForm(forms.Form):
    """How much and by which channels; a plain "Follow" click sends the defaults."""

    level = forms.ChoiceField(
        label=_("How much"),
        choices=Subscription.Level.choices,
        initial=Subscription.Level.ALL,
        widget=forms.RadioSelect,
        required=False,
    )
    in_app = forms.BooleanField(label=_("In the browser"), required=False)
    email_now = forms.BooleanField(label=_("By e-mail at once"), required=False)
    digest = forms.BooleanField(label=_("In a daily e-mail digest"), required=False)

    def settings(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data.get("level") or Subscription.Level.ALL,
            "in_app": data["in_app"],
            "email_now": data["email_now"],
            "digest": data["digest"],
        }


class FollowAreaForm(forms.Form):
    """On the Following page: follow a topic, a country or a region (they have no page of their own with a button)."""

    topic = OneQueryChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("Choose…")
    )
    country = OneQueryChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, empty_label=_("Choose…")
    )
    region = OneQueryChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("Choose…")
    )

    def targets(self) -> list:
        return [
            self.cleaned_data[f] for f in ("topic", "country", "region") if self.cleaned_data.get(f)
        ]
