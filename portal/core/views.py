from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.accounts.forms import LoginForm
from portal.notices import selectors as notice_selectors

from .navigation import panels_for


def home(request):
    return render(request, "core/home.html", {
        "columns": notice_selectors.home_columns(user=request.user),
        "login_form": LoginForm(request) if not request.user.is_authenticated else None,
    })


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": panels_for(request.user)})


@require_POST
def care_mode(request):
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    on = request.COOKIES.get("care_mode") != "1"
    response.set_cookie("care_mode", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response
