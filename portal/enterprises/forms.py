"""HTTP ⇄ arguments for the registry pages. Rules live in services; forms only shape the input."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core import bounds
from portal.core.forms import ScopedForm
from portal.core.uploads import XLSX, UploadField

from .credit_code import normalise, validate_credit_code
from .models import Enterprise, HonourKind, HonourLevel, SizeClass
from .selectors import HONOUR_FILTERS, EnterpriseFilter
from .services import EDITABLE_FIELDS, OFFICER_FIELDS


class CreditCodeField(forms.CharField):
    """18 characters with the GB 32100 check character; lower case and blanks are forgiven."""

    default_validators = [validate_credit_code]

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("18位,见营业执照;不使用字母 I、O、S、V、Z。"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "class": "mono"})

    def to_python(self, value):
        return normalise(super().to_python(value))


def industry_label(industry) -> str:
    """An option of an industry list; a code spanning several size categories says it needs a finer one."""
    label = f"{industry.code} {industry.label}"
    return label + gettext("(须选下级行业)") if industry.spans_categories else label


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_fields(names):
    """Fields declared once on the model: labels, lengths, types and bounds come from there."""
    return forms.fields_for_model(
        Enterprise, fields=names, widgets={"monitored_from": _date_widget(), "monitored_until": _date_widget()},
        formfield_callback=bounds.formfield,
    )


class EnterpriseForm(ScopedForm):
    """Create or edit an enterprise (officials). The size class is derived by the service, never typed."""

    def __init__(self, *args, region_choices, industry_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(EDITABLE_FIELDS))
        self.fields["credit_code"] = CreditCodeField(label=Enterprise._meta.get_field("credit_code").verbose_name)
        self.fields["region"].queryset = region_choices
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}" if r.parent_id else r.name
        self.fields["region"].empty_label = _("请选择")
        self.fields["industry"].queryset = industry_choices
        self.fields["industry"].label_from_instance = industry_label
        self.fields["industry"].empty_label = _("请选择")
        self.fields["industry"].help_text = _(
            "按《国民经济行业分类》(GB/T 4754-2017)选择。批发和零售业、交通运输仓储和邮政业、住宿和餐饮业、"
            "信息传输软件和信息技术服务业、房地产业分属《中小企业划型标准规定》的不同行业类别,须选到大类或中类。")
        self.fields["employees"].help_text = _("期末从业人员数")
        self.fields["above_designated_size"].help_text = _("年主营业务收入2000万元及以上的工业企业")
        self.fields["monitored_until"].help_text = _("不再监测时填写;留空表示持续监测")
        for name in ("revenue", "assets"):
            self.fields[name].widget.attrs.update({"step": "0.01"})
        # Keep the model's order, which is the order of EDITABLE_FIELDS.
        self.order_fields(EDITABLE_FIELDS)

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        initial = {name: getattr(enterprise, name) for name in EDITABLE_FIELDS}
        initial["region"], initial["industry"] = enterprise.region_id, enterprise.industry_id
        return initial


class ContactForm(forms.Form):
    """What an information officer may change about their own enterprise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(OFFICER_FIELDS))
        self.fields["contact_name"].required = True
        self.fields["contact_phone"].required = True

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        return {name: getattr(enterprise, name) for name in OFFICER_FIELDS}


class AccountForm(forms.Form):
    """An official opens an information officer's account for the enterprise."""

    username = forms.RegexField(label=_("登录名"), max_length=150, regex=r"^[A-Za-z0-9_.@-]{4,150}$",
                                error_messages={"invalid": _("登录名为4位以上的字母、数字或 _ . @ -。")})
    full_name = forms.CharField(label=_("信息员姓名"), max_length=64)
    phone = forms.RegexField(label=_("手机号码"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("请输入11位手机号码。")})
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("信息员首次登录须修改密码。"))
    password2 = forms.CharField(label=_("确认初始密码"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        return {"full_name": enterprise.contact_name, "email": enterprise.contact_email,
                "phone": enterprise.contact_phone if len(enterprise.contact_phone) == 11 else ""}


class FilterForm(ScopedForm):
    """The list filters, read from the query string. An invalid filter is ignored and reported."""

    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=100)
    region = forms.ModelChoiceField(label=_("地区"), required=False, queryset=None, empty_label=_("全部"))
    size_class = forms.ChoiceField(label=_("企业规模"), required=False,
                                   choices=[("", _("全部")), *SizeClass.choices])
    industry = forms.ModelChoiceField(label=_("行业"), required=False, queryset=None, empty_label=_("全部"))
    honour = forms.ChoiceField(label=_("荣誉与认定"), required=False)
    monitored = forms.ChoiceField(label=_("监测企业"), required=False,
                                  choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))])
    contact = forms.ChoiceField(label=_("联系人"), required=False,
                                choices=[("", _("全部")), ("missing", _("缺少联系人或电话"))])

    def __init__(self, *args, region_choices, industry_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices
        self.fields["region"].label_from_instance = lambda r: "\u00a0\u00a0" * (r.level - 1) + r.name
        self.fields["industry"].queryset = industry_choices
        self.fields["honour"].choices = [("", _("全部"))] + [
            (name, Enterprise._meta.get_field(name).verbose_name) for name in HONOUR_FILTERS]

    def to_filter(self) -> EnterpriseFilter:
        if not self.is_bound:
            return EnterpriseFilter()
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        monitored = {"yes": True, "no": False}.get(data.get("monitored") or "")
        return EnterpriseFilter(
            region=data.get("region"), size_class=data.get("size_class") or "", industry=data.get("industry"),
            honour=data.get("honour") or "", monitored=monitored,
            missing_contact=data.get("contact") == "missing", q=(data.get("q") or "").strip(),
        )


class ImportForm(forms.Form):
    """The registry file. UploadField checks it (size, type, zip bomb, macros, rows) before anything reads it."""

    file = UploadField(kinds=(XLSX,), label=_("企业名录文件(.xlsx)"),
                       help_text=_("请使用本页提供的模板;单个文件不超过20MB。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].row_limits = {0: settings.ENTERPRISE_IMPORT_MAX_ROWS}


class HonourForm(forms.Form):
    """An official records a dated honour (认定) of the enterprise."""

    kind = forms.ChoiceField(label=_("荣誉类别"), choices=HonourKind.choices)
    level = forms.ChoiceField(label=_("认定层级"), choices=[("", _("未注明")), *HonourLevel.choices], required=False)
    granted_on = forms.DateField(label=_("认定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("不知道日期可留空,显示为“日期未知”,不计入服务成效"))
    document_no = forms.CharField(label=_("认定文号"), max_length=100, required=False)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
