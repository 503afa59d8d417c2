from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from portal.accounts.security import is_staff_role, requires_two_factor

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/language/", "/i18n/")


class AccountSecurityMiddleware:
    """Staff sessions expire after inactivity; signed-in users who need two-factor sign-in are sent to
    it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if is_staff_role(user):
                request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            if (not request.path.startswith(EXEMPT_PREFIXES) and requires_two_factor(user)
                    and not user.is_verified()):
                return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)
