from django import forms
from django.utils.translation import gettext_lazy as _

from offline.models import MB
from offline.services import MAX_ATTACHMENT_LIMIT


class KitSettingsForm(forms.Form):
    keep_own_agency = forms.BooleanField(
        label=_("Keep my agencies' procedures in force"), required=False
    )
    max_attachment_mb = forms.IntegerField(
        label=_("Largest attachment to keep (MB)"),
        min_value=0,
        max_value=MAX_ATTACHMENT_LIMIT // MB,
        help_text=_("Larger attachments are listed but stay on the server. 0 keeps none."),
    )
    shared_device = forms.BooleanField(
        label=_("This is a shared device (a post computer)"),
        required=False,
        help_text=_(
            "Agency-only procedures are then kept only where their agency allows it on shared devices."
        ),
    )


class KeepForm(forms.Form):
    kind = forms.ChoiceField(choices=[("sop", "sop"), ("agency", "agency"), ("topic", "topic")])
    target = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=500)


class AgencyPolicyForm(forms.Form):
    allow_shared_devices = forms.BooleanField(
        label=_("Agency-only procedures may be kept on shared devices"), required=False
    )
