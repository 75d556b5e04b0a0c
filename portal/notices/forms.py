from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notice, NoticeKind
from .selectors import ManageStatus


class NoticeForm(forms.ModelForm):
    """Fields of a notice; the write goes through notices.services, never ``save()``."""

    publish = forms.BooleanField(label=_("保存后立即发布"), required=False, initial=False,
                                 help_text=_("不勾选则保存为草稿,可稍后发布。"))

    class Meta:
        model = Notice
        fields = ["kind", "title", "source", "published_at", "body"]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 200}),
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "published_at": _("留空为发布时的时间;填写将来的时间则到时自动显示。"),
            "source": _("如:省工业和信息化厅"),
        }

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_at"].required = False
        if not creating:
            del self.fields["publish"]

    def save(self, commit=True):  # pragma: no cover - the views call notices.services
        raise NotImplementedError("use portal.notices.services")


class ManageFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("栏目"), required=False, choices=[("", _("全部")), *NoticeKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("", _("全部")), (ManageStatus.DRAFT, _("草稿")), (ManageStatus.SCHEDULED, _("定时发布")),
        (ManageStatus.PUBLISHED, _("已发布"))])
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
