from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from portal.core.forms import ScopedForm, unscoped
from portal.enterprises.forms import industry_label
from portal.enterprises.models import Industry
from portal.regions.models import Region, RegionLevel

from .models import Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续多次错误将锁定账号30分钟。"),
        "inactive": _("该账号已停用。"),
    }


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's form for the checks; the save goes through accounts.services.change_password."""

    def save(self, commit=True):  # pragma: no cover - the view calls the service instead
        raise NotImplementedError


class RegistrationForm(ScopedForm):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18,
                                  help_text=_("18位,见营业执照"))
    name = forms.CharField(label=_("企业名称"), max_length=128)
    region = unscoped(forms.ModelChoiceField(label=_("所在县(市、区)"),
                                             queryset=Region.objects.filter(level=RegionLevel.COUNTY)
                                             .select_related("parent")),
                      reason="self-registration: a visitor with no scope yet chooses any county of the province")
    industry = forms.ModelChoiceField(label=_("所属行业"), queryset=Industry.objects.all())
    contact_name = forms.CharField(label=_("信息员姓名"), max_length=64)
    contact_phone = forms.RegexField(label=_("手机号码"), regex=r"^1\d{10}$",
                                     error_messages={"invalid": _("请输入11位手机号码。")})
    email = forms.EmailField(label=_("电子邮箱"))
    username = forms.RegexField(label=_("登录名"), max_length=150, regex=r"^[A-Za-z0-9_.@-]{4,150}$",
                                error_messages={"invalid": _("登录名为4位以上的字母、数字或 _ . @ -。")})
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}"
        self.fields["industry"].label_from_instance = industry_label

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审核结果"), coerce=lambda v: v == "1",
                                     choices=(("1", _("通过")), ("0", _("驳回"))), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AccountCreateForm(forms.Form):
    username = forms.RegexField(label=_("登录名"), max_length=150, regex=r"^[A-Za-z0-9_.@-]{4,150}$")
    full_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput,
                               help_text=_("用户首次登录须修改密码。"))


class RoleForm(ScopedForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = unscoped(forms.ModelChoiceField(label=_("所属地区"), queryset=Region.objects.all(), required=False),
                      reason="the security administrator (who holds no region) places accounts anywhere in the province")
    enterprise_code = forms.CharField(label=_("所属企业统一社会信用代码"), max_length=18, required=False)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    phone = forms.RegexField(label=_("手机号码"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("请输入11位手机号码。")})
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("用于接收找回密码邮件和审核结果通知。"))


class LockoutReleaseForm(forms.Form):
    """The 解锁 button of the lockout list: a user name from an address, or an address."""

    kind = forms.ChoiceField(choices=(("account", "account"), ("address", "address")))
    username = forms.CharField(max_length=255, required=False)
    ip_address = forms.GenericIPAddressField()


class GrantForm(forms.Form):
    """Grant or revoke one object: ``target`` is "<model label>:<pk>", the choices those of the user's role."""

    target = forms.CharField(label=_("管理对象"), max_length=100)
    revoke = forms.BooleanField(required=False)
