"""Form pieces that several apps' filter forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _


def any_of(queryset, label, *, to_field_name: str | None = None) -> forms.ModelChoiceField:
    """An optional filter choice whose empty option reads "Any", matched by a readable key
    (code, slug) so filtered URLs can be shared and read."""
    return forms.ModelChoiceField(
        queryset, label=label, required=False, empty_label=_("Any"), to_field_name=to_field_name
    )
