import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.accounts.selectors import memberships_of
from portal.home.caching import public_cache
from portal.home.health import health
from portal.home.help import WORKSPACE_GUIDES
from portal.home.todo import todos_for
from portal.home.workspaces import WORKSPACES_BY_KEY, render_panels, workspaces_for


@public_cache
def home(request):
    """The public home page: what the portal is, open calls and current notices."""
    return render(request, "home/home.html", {"panels": render_panels("home", request)})


@login_required
def workspace(request):
    """Send each user to their role's workspace; a user with several roles picks one."""
    available = workspaces_for(request.user)
    if len(available) == 1:
        return redirect(available[0].url_name)
    return render(request, "home/workspace_choice.html", {"workspaces": available})


@login_required
def role_workspace(request, key: str):
    ws = WORKSPACES_BY_KEY[key]
    if not rules.test_rule(ws.rule, request.user):
        raise PermissionDenied
    memberships = [m for m in memberships_of(request.user) if m.role in ws.roles]
    todos = todos_for(key, request.user)
    return render(request, f"home/workspace_{key}.html", {
        "workspace": ws,
        "memberships": memberships,
        "todos": todos,
        "todo_total": sum(t.count for t in todos),
        "guide": WORKSPACE_GUIDES.get(key),
        "panels": render_panels(key, request),
    })


@never_cache
@require_GET
def healthz(request):
    healthy, report = health()
    report["status"] = "ok" if healthy else "degraded"
    return JsonResponse(report, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    """403; a service's refusal message (Chinese, for the user) is shown when there is one."""
    reason = str(exception) if exception is not None and getattr(exception, "args", None) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def switch_language(request, code: str):
    """A plain link changes the language (a cookie), so that public pages carry no CSRF token and can be
    cached for everyone."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=not settings.DEBUG)
    return response
