"""The platforms' forms: parse the request into a service's arguments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import ScopedForm
from portal.core.periods import QuarterField
from portal.core.uploads import DOCX, PDF, XLSX, UploadField

from .models import Platform
from .rules import ActivityKind, Charging, RecognitionLevel, ServiceArea

DATE = forms.DateInput(attrs={"type": "date"})
EVIDENCE_KINDS = (PDF, DOCX, XLSX)


class RecordForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=128, required=False,
                                      help_text=_("企业名录中已有的企业可不填,以名录为准"))
    area = forms.ChoiceField(label=_("服务领域"), choices=ServiceArea.choices)
    served_on = forms.DateField(label=_("服务日期"), widget=DATE)
    charging = forms.ChoiceField(label=_("公益/收费"), choices=Charging.choices)
    description = forms.CharField(label=_("服务内容"), max_length=1000, required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    external_id = forms.CharField(label=_("平台记录编号"), max_length=64, required=False)

    @staticmethod
    def initial_for(record) -> dict:
        return {name: getattr(record, name) for name in ("credit_code", "enterprise_name", "area", "served_on",
                                                         "charging", "description", "external_id")}


class RecordFilterForm(ScopedForm):
    platform = forms.ModelChoiceField(label=_("服务平台"), queryset=Platform.objects.all(), required=False,
                                      empty_label=_("全部"))
    area = forms.ChoiceField(label=_("服务领域"), required=False, choices=[("", _("全部")), *ServiceArea.choices])
    quarter = QuarterField(label=_("季度"), required=False)
    q = forms.CharField(label=_("企业名称或信用代码"), required=False, max_length=100)


class ImportForm(forms.Form):
    file = UploadField(kinds=(XLSX,), label=_("服务记录文件(.xlsx)"), help_text=_("请使用本页提供的模板。"))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ActivityKind.choices)
    happened_on = forms.DateField(label=_("日期"), widget=DATE)
    title = forms.CharField(label=_("标题"), max_length=200)
    link = forms.URLField(label=_("链接"), max_length=500, required=False, assume_scheme="https")
    file = UploadField(kinds=EVIDENCE_KINDS, label=_("佐证材料"), required=False,
                       help_text=_("PDF、Word 或 Excel;链接和材料至少填一项"))


class RecognitionForm(forms.Form):
    level = forms.ChoiceField(label=_("认定层级"), choices=RecognitionLevel.choices)
    recognised_by = forms.CharField(label=_("认定部门"), max_length=128)
    granted_on = forms.DateField(label=_("认定日期"), widget=DATE)
    document_no = forms.CharField(label=_("认定文号"), max_length=100, required=False)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE, required=False,
                                  help_text=_("留空为认定日期起三年"))


class ReplaceOperatorForm(forms.Form):
    operator_name = forms.CharField(label=_("新运营单位"), max_length=128)
    on = forms.DateField(label=_("更换日期"), widget=DATE)
    reason = forms.CharField(label=_("更换原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
