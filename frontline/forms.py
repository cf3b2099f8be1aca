"""Form pieces that several apps' filter forms share."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

SELECTED = mark_safe(" selected")


class OneQueryChoices(ModelChoiceIterator):
    """A menu's choices read with one plain query.

    Django's own iterator reads them through ``QuerySet.iterator()``, which on PostgreSQL
    is a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a few dozen
    rows, for every menu of every filter form (the SOP list has five). ``all()`` is still
    a fresh query at each rendering, as with Django's.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.objects():
            yield self.choice(obj)

    def objects(self):
        return self.queryset.all()


class LongSelect(forms.Select):
    """A flat menu whose options are joined in Python, not drawn one template each.

    Django's own select renders two templates for every option: for the 598 time zones
    that was 36 of the profile page's 62 ms, and the five filter menus of the SOP list
    (75 options) took 5 of its 45 ms. Groups are not drawn: flat choices only.
    """

    template_name = "frontline/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], SELECTED if option["selected"] else "", option["label"])
                for _, options, _ in context["widget"]["optgroups"]
                for option in options
            ),
        )
        return context


class OneQueryChoiceField(forms.ModelChoiceField):
    """A model menu that reads its choices with one query (OneQueryChoices) and draws
    them in one piece (LongSelect)."""

    iterator = OneQueryChoices
    widget = LongSelect


def any_of(queryset, label, *, to_field_name: str | None = None) -> forms.ModelChoiceField:
    """An optional filter choice whose empty option reads "Any", matched by a readable key
    (code, slug) so filtered URLs can be shared and read."""
    return OneQueryChoiceField(
        queryset, label=label, required=False, empty_label=_("Any"), to_field_name=to_field_name
    )
