"""The audit trail's filters, shared by the page and the API."""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from portal.core.bounds import DateField

from .models import AuditEntry

# Rows written about objects that are not models of the portal (e.g. API tokens).
EXTRA_MODELS = (("authtoken.Token", _("API 令牌")),)
PROJECT_PACKAGES = ("portal.", "monitoring.", "platforms.", "incubators.", "upscaling.")


def model_choices() -> list[tuple[str, str]]:
    """Labels of the portal's models that people name (a model given a verbose name: the ones the services
    audit; bookkeeping such as deliveries, preferences and idempotency records has none), from the app registry:
    no query. Ordered by the label people read."""
    choices = {
        model._meta.label: f"{model._meta.app_config.verbose_name} · {model._meta.verbose_name}"
        for model in apps.get_models()
        if model.__module__.startswith(PROJECT_PACKAGES) and "verbose_name" in model._meta.original_attrs
    }
    for label, name in EXTRA_MODELS:
        choices.setdefault(label, str(name))
    return sorted(choices.items(), key=lambda item: str(item[1]))


class AuditFilterForm(forms.Form):
    # Bounded: a day past 9999-12-31 or before year 1 in local time overflows Python's dates.
    date_from = DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部"))] + list(AuditEntry.Action.choices))
    q = forms.CharField(label=_("关键词"), required=False, max_length=100,
                        help_text=_("对象、操作人、说明或对象编号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("全部"))] + model_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        for key in ("actor", "q"):
            data[key] = (data.get(key) or "").strip()
        return data
