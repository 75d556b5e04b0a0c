from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from portal.core import ratelimit
from portal.core.exceptions import attempt
from portal.core.forms import apply_errors
from portal.core.middleware import client_address

from . import selectors, services
from .forms import (
    AccountCreateForm,
    DecisionForm,
    GrantForm,
    LockoutReleaseForm,
    LoginForm,
    PortalPasswordChangeForm,
    ProfileForm,
    RegistrationForm,
    RoleForm,
)
from .middleware import password_days_left
from .models import EnterpriseRegistration, Role
from .scoping import scope_for

THROTTLED = 429


def _throttled(form, message: str, name: str, respond):
    """Answer a throttled form: the form again, with the reason on top, as 429 Too Many Requests."""
    form.add_error(None, message)
    response = respond()
    response.status_code = THROTTLED
    response["Retry-After"] = str(ratelimit.rate(name).period)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def password_change(request):
    form = PortalPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, request.user)
            services.record_session(user=request.user, session_key=request.session.session_key, old_key=old_key)
            messages.success(request, _("密码已修改。"))
            return redirect("core:dashboard")
    return render(request, "accounts/password_change.html", {
        "form": form, "max_age_days": settings.PASSWORD_MAX_AGE_DAYS})


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={name: getattr(user, name) for name in services.PROFILE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("个人信息已保存。"))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "days_left": password_days_left(user)})


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled per client address, and per email address asked for. Both answer the same for an email
    that has an account and one that has none: counting starts before anything is looked up."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if not ratelimit.hit("password_reset", client_address(request)):
            form = self.get_form()
            return _throttled(form, _("本网络地址的找回密码请求过于频繁,请稍后再试。"), "password_reset",
                              lambda: self.render_to_response(self.get_context_data(form=form)))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not ratelimit.hit("password_reset_email", form.cleaned_data["email"].strip().lower()):
            return _throttled(form, _("该邮箱的找回密码请求过于频繁,请稍后再试。"), "password_reset_email",
                              lambda: self.render_to_response(self.get_context_data(form=form)))
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        try:
            services.reset_password(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, _("密码已重置,请使用新密码登录。"))
        return redirect(self.success_url)


def register(request):
    form = RegistrationForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and not ratelimit.hit("register", client_address(request)):
        return _throttled(form, _("本网络地址提交注册申请过于频繁,请稍后再试。"), "register",
                          lambda: render(request, "accounts/register.html", {"form": form}))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password1", "password2")}
        try:
            services.register_enterprise(data=data, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            apply_errors(form, exc, password_field="password1")
        else:
            return render(request, "accounts/register_done.html", {"region": data["region"]})
    return render(request, "accounts/register.html", {"form": form})


@login_required
def registrations(request):
    if not request.user.is_official:
        raise PermissionDenied
    status = request.GET.get("status", "pending")
    if status not in EnterpriseRegistration.Status.values:
        status = ""
    qs = selectors.registration_list(user=request.user, status=status or None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/registrations.html", {
        "page": page, "status": status, "can_decide": request.user.is_county_official})


@login_required
def registration_decide(request, pk: int):
    """Only the official of the registration's own county reaches this page; others get 404."""
    registration = selectors.registration_for_decision(user=request.user, pk=pk)
    if registration is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_registration(actor=request.user, registration=registration,
                                         approve=form.cleaned_data["approve"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已处理注册申请:%(name)s") % {"name": registration.name})
            return redirect("accounts:registrations")
    return render(request, "accounts/registration_decide.html", {"registration": registration, "form": form})


@login_required
def users(request):
    if request.user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN) and not request.user.is_official:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role") if request.GET.get("role") in Role.values else ""
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    qs = selectors.user_list(user=request.user, q=q, role=role or None, active=active)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {
        "page": page, "q": q, "role": role, "active": request.GET.get("active", ""), "roles": Role.choices,
        "may_unlock_accounts": scope_for(request.user).may_unlock_accounts,
        "grantable_roles": selectors.grantable_roles() if scope_for(request.user).may_grant_objects else set()})


@login_required
def user_create(request):
    if request.user.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_account(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, password_field="password")
        else:
            messages.success(request, _("账号已创建,请由安全管理员分配角色。"))
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建账号")})


@login_required
def user_role(request, pk: int):
    if request.user.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    target = selectors.user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    form = RoleForm(request.POST or None, user=request.user, initial={"role": target.role, "region": target.region_id,
                                                  "enterprise_code": getattr(target.enterprise, "credit_code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(actor=request.user, user=target, role=form.cleaned_data["role"],
                                 region=form.cleaned_data["region"],
                                 enterprise_code=form.cleaned_data["enterprise_code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已更新 %(user)s 的角色。") % {"user": target.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("分配角色:%s") % target.username})


@login_required
def user_grants(request, pk: int):
    """The security administrator's page for one platform operator or base manager: the objects they manage,
    each with 撤销, and a choice of the others to grant (only the kinds their role is registered for)."""
    if not scope_for(request.user).may_grant_objects:
        raise PermissionDenied
    target = selectors.user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    if request.method == "POST":
        form = GrantForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择要授予的对象。"))
        elif form.cleaned_data["revoke"]:
            attempt(request, lambda: services.revoke_from(actor=request.user, user=target,
                                                          target=form.cleaned_data["target"]),
                    success=_("已撤销 %(user)s 的管理权限。") % {"user": target.username})
        else:
            attempt(request, lambda: services.grant_to(actor=request.user, user=target,
                                                       target=form.cleaned_data["target"]),
                    success=_("已授予 %(user)s 管理权限。") % {"user": target.username})
        return redirect("accounts:user_grants", pk=target.pk)
    return render(request, "accounts/user_grants.html", {
        "target": target, "groups": selectors.grant_groups(user=request.user, target=target)})


@login_required
@require_POST
def user_active(request, pk: int):
    target = selectors.user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    active = request.POST.get("active") == "1"
    services.set_active(actor=request.user, user=target, active=active)
    messages.success(request, (_("已启用 %(u)s。") if active else _("已停用 %(u)s,其登录会话已全部结束。")) % {
        "u": target.username})
    return redirect("accounts:users")


@login_required
def lockouts(request):
    """The security administrator's list of login lockouts in force, each with its 解锁 button."""
    if not scope_for(request.user).may_unlock_accounts:
        raise PermissionDenied
    page = Paginator(selectors.account_lockouts(user=request.user), 50).get_page(request.GET.get("page"))
    addresses = selectors.address_lockouts(user=request.user)
    return render(request, "accounts/lockouts.html", {
        "page": page, "accounts": selectors.account_lockout_rows(page.object_list),
        "addresses": addresses[:100], "address_count": addresses.count(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "address_window": int(settings.LOGIN_ADDRESS_WINDOW.total_seconds() // 60),
    })


@login_required
@require_POST
def lockout_release(request):
    if not scope_for(request.user).may_unlock_accounts:
        raise PermissionDenied
    form = LockoutReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("解锁请求无效。"))
        return redirect("accounts:lockouts")
    data = form.cleaned_data
    try:
        if data["kind"] == "address":
            services.release_address_lockout(actor=request.user, ip_address=data["ip_address"])
            done = _("已解除来源地址 %(ip)s 的登录锁定。") % {"ip": data["ip_address"]}
        else:
            services.release_account_lockout(actor=request.user, username=data["username"],
                                             ip_address=data["ip_address"])
            done = _("已解除 %(username)s 在来源地址 %(ip)s 的登录锁定。") % {
                "username": data["username"], "ip": data["ip_address"]}
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("accounts:lockouts")


@require_POST
def set_language(request):
    """Django's language switch (the cookie, for every visitor), and for a signed-in user their account's
    choice too, so it follows them to their next sign-in on any browser."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_language(user=request.user, language=language)
    return response
