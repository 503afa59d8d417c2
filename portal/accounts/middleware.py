from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from portal.accounts.security import is_staff_role, requires_two_factor

# What a signed-in user who still owes the second factor may reach: signing in and out, enrolment and
# verification, the forgotten-password flow, and static files. Nothing else (not password change, not a
# device reset, not the admin, no workspace).
OPEN_PREFIXES = ("/static/", "/healthz", "/language/", "/i18n/", "/accounts/password/reset/", "/accounts/reset/")
OPEN_URL_NAMES = ("login", "logout", "two-factor")


def owes_second_factor(user) -> bool:
    return requires_two_factor(user) and not user.is_verified()


class AccountSecurityMiddleware:
    """Sessions expire after inactivity (staff and parks, each its own setting); signed-in users who need
    two-factor sign-in are sent to it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            idle = settings.STAFF_SESSION_IDLE_SECONDS if is_staff_role(user) else settings.PARK_SESSION_IDLE_SECONDS
            request.session.set_expiry(idle)
            open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if (request.path not in open_paths and not request.path.startswith(OPEN_PREFIXES)
                    and owes_second_factor(user)):
                return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)
