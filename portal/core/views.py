from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_POST, require_safe

from portal.accounts.forms import LoginForm
from portal.notices import selectors as notice_selectors

from . import files
from .navigation import home_tiles, panels_for

CARE_MODE_COOKIE = "care_mode"


def home(request):
    login_form = None
    if not request.user.is_authenticated:
        login_form = LoginForm(request)
        # The home page is read first; focus stays at the top so the skip link comes first.
        login_form.fields["username"].widget.attrs.pop("autofocus", None)
    return render(request, "core/home.html", {
        "columns": notice_selectors.home_columns(user=request.user),
        "headline": notice_selectors.headline(user=request.user),
        "login_form": login_form,
        "tiles": home_tiles(request.user),
    })


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": panels_for(request.user)})


@require_POST
def care_mode(request):
    """Toggle 关怀版 (larger type, higher contrast): a cookie read by the context processor."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    on = request.COOKIES.get(CARE_MODE_COOKIE) != "1"
    response.set_cookie(CARE_MODE_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure())
    return response


@require_safe
def stored_file(request, label: str, pk: int):
    """Every stored file (exports, analysis reports, bulletins...): only the rows the user may download,
    as an attachment with a readable name. Anonymous, out of scope, missing: the same 404."""
    download = files.open_download(user=request.user, label=label, pk=pk)
    if download is None:
        raise Http404
    response = FileResponse(download.handle, as_attachment=True, filename=download.filename,
                            content_type=download.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the portal's icon."""
    return HttpResponseRedirect(static("favicon.svg"))


def forbidden(request, exception=None):
    """handler403: the portal's page, saying what the role may not do and the way back (templates/403.html)."""
    return defaults.permission_denied(request, exception, template_name="403.html")


def server_error(request):
    """handler500: templates/500.html, rendered without a request context (only static files)."""
    return defaults.server_error(request, template_name="500.html")
