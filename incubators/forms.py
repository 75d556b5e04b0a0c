"""Forms of the startup bases: HTTP ⇄ the services' arguments (rules live in services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.numbers import GroupedDecimalField, GroupedIntegerField
from portal.core.uploads import XLSX, UploadField

from .models import FIVE_HAVES, BaseLevel, BaseStatus

DATE = forms.DateInput(attrs={"type": "date"})


class RegistryForm(forms.Form):
    name = forms.CharField(label=_("基地名称"), max_length=128)
    manager_name = forms.CharField(label=_("管理机构"), max_length=128)
    floor_area = GroupedDecimalField(label=_("场地面积(平方米)"), max_digits=12, decimal_places=2, min_value=0,
                                     required=False)
    level = forms.ChoiceField(label=_("认定级别"), choices=BaseLevel.choices, required=False)
    level_since = forms.DateField(label=_("认定日期"), required=False, widget=DATE)
    level_until = forms.DateField(label=_("认定有效期至"), required=False, widget=DATE)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=BaseStatus.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class TenantForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("企业名称"), max_length=128, required=False,
                           help_text=_("企业名录中已有的企业可不填,按信用代码自动关联。"))
    entered_on = forms.DateField(label=_("入孵日期"), widget=DATE)
    exited_on = forms.DateField(label=_("出孵日期"), required=False, widget=DATE)


class GraduationForm(forms.Form):
    on = forms.DateField(label=_("孵化毕业日期"), widget=DATE)
    reason = forms.CharField(label=_("毕业原因"), max_length=200)


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("发展目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                            max_length=4000)
    licences = forms.CharField(label=_("证照办理"), required=False, max_length=2000)
    training = forms.CharField(label=_("企业培训"), required=False, max_length=2000)
    financing = forms.CharField(label=_("融资服务"), required=False, max_length=2000)
    recruitment = forms.CharField(label=_("人才招聘"), required=False, max_length=2000)
    responsible = forms.CharField(label=_("责任人"), max_length=64)
    due_on = forms.DateField(label=_("下次跟进日期"), required=False, widget=DATE)


class NoteForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    text = forms.CharField(label=_("进展"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2999)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int, choices=[(q, q) for q in (1, 2, 3, 4)])
    revenue = GroupedDecimalField(label=_("主营业务收入(本年累计,万元)"), max_digits=14, decimal_places=2, min_value=0)
    taxes = GroupedDecimalField(label=_("税金总额(本年累计,万元)"), max_digits=14, decimal_places=2, min_value=0)
    employees = GroupedIntegerField(label=_("从业人员(期末)"), min_value=0, max_value=1_000_000)


class ImportForm(forms.Form):
    file = UploadField(label=_("入孵企业表(xlsx)"), kinds=[XLSX])


class TargetForm(forms.Form):
    revenue = GroupedDecimalField(label=_("主营业务收入(万元)"), max_digits=14, decimal_places=2, min_value=0)
    taxes = GroupedDecimalField(label=_("税金总额(万元)"), max_digits=14, decimal_places=2, min_value=0)
    tenants = GroupedIntegerField(label=_("入孵企业数"), min_value=0, max_value=1_000_000)
    employees = GroupedIntegerField(label=_("从业人员"), min_value=0, max_value=10_000_000)
    graduates = GroupedIntegerField(label=_("孵化毕业企业"), min_value=0, max_value=1_000_000)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("检查日期"), widget=DATE)
    visitor = forms.CharField(label=_("检查人"), max_length=64)
    notes = forms.CharField(label=_("检查指导情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class SelfCheckForm(forms.Form):
    problems = forms.CharField(label=_("存在的问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=8000)
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=8000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in FIVE_HAVES:
            self.fields[f"{key}_present"] = forms.TypedChoiceField(
                label=label, choices=[("1", _("有")), ("0", _("没有"))], coerce=lambda v: v == "1",
                widget=forms.RadioSelect)
            self.fields[f"{key}_evidence"] = forms.CharField(label=_("%(l)s:佐证说明") % {"l": label},
                                                             required=False, max_length=4000,
                                                             widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{key}_file"] = UploadField(label=_("%(l)s:佐证材料(可选)") % {"l": label},
                                                     kinds=["pdf", XLSX, "docx"], required=False)

    def items(self) -> dict:
        data = self.cleaned_data
        return {key: {"present": data[f"{key}_present"], "evidence": data[f"{key}_evidence"],
                      "file": data.get(f"{key}_file")} for key, _label in FIVE_HAVES}
