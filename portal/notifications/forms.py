from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("通过电子邮件接收提醒"), required=False)
    sms = forms.BooleanField(label=_("通过短信接收提醒"), required=False)
