from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import XLSX, UploadField

from .imports import FIELDS, MAX_ROWS
from .models import MATERIALS, Tier


class UploadForm(forms.Form):
    file = UploadField(kinds=(XLSX,), row_limits={0: MAX_ROWS}, label=_("名单文件(.xlsx)"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2999)
    month = forms.IntegerField(label=_("月份(月度数据)"), min_value=1, max_value=12, required=False)


class MappingForm(forms.Form):
    """For each field of the list kind, which of the file's columns holds it."""

    def __init__(self, *args, kind: str, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(无此列)"))] + [(h, h) for h in header if h]
        for f in FIELDS[kind]:
            self.fields[f.key] = forms.ChoiceField(label=f.label, choices=choices, required=f.required)


class ScreenForm(forms.Form):
    tier = forms.TypedChoiceField(label=_("培育梯度"), choices=[("", _("不纳入"))] + list(Tier.choices),
                                  coerce=int, empty_value=None, required=False)
    reason = forms.CharField(label=_("未纳入原因"), max_length=200, required=False)


class NoteForm(forms.Form):
    problems = forms.CharField(label=_("存在问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    help_given = forms.CharField(label=_("帮扶措施(生产保障、市场开拓、入统前注册登记等)"), max_length=2000,
                                 required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label=_("责任人"), max_length=64)
    follow_up_on = forms.DateField(label=_("跟进日期"), widget=forms.DateInput(attrs={"type": "date"}))


class MaterialsForm(forms.Form):
    materials = forms.MultipleChoiceField(label=_("入库申报材料"), choices=MATERIALS, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    refuses_entry = forms.BooleanField(label=_("已达规上标准但不愿入库"), required=False)


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=2000, max_value=2999)
    month = forms.IntegerField(label=_("月"), min_value=1, max_value=12)
    sales = forms.DecimalField(label=_("销售收入(万元)"), min_value=0, max_digits=14, decimal_places=2)
    taxes = forms.DecimalField(label=_("税收(万元)"), min_value=0, max_digits=14, decimal_places=2)


class TargetForm(forms.Form):
    new_enterprises = forms.IntegerField(label=_("新增规上工业企业(家)"), min_value=0, max_value=100000)
    new_output = forms.DecimalField(label=_("新增产值(亿元)"), min_value=0, max_digits=10, decimal_places=2)
