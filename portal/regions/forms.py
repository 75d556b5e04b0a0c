from django import forms
from django.utils.translation import gettext_lazy as _


class QuotaForm(forms.Form):
    """Province staff set one region's yearly quota of monitored enterprises from the overview page."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quota = forms.IntegerField(label=_("监测企业配额"), min_value=0, max_value=1_000_000,
                               error_messages={"min_value": _("配额不能为负数。"), "required": _("请填写配额。")})
    back = forms.RegexField(regex=r"^[0-9A-Za-z]{1,12}$", required=False, widget=forms.HiddenInput)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
