from django.conf import settings

from portal.home.workspaces import workspaces_for
from portal.notifications.selectors import unread_count


def _site() -> dict:
    return {"portal_name": settings.PORTAL_NAME, "portal_sponsor": settings.PORTAL_SPONSOR,
            "portal_contact": settings.PORTAL_CONTACT, "portal_site_code": settings.PORTAL_SITE_CODE,
            "portal_icp": settings.PORTAL_ICP, "portal_psb": settings.PORTAL_PSB}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_workspaces": [], **_site()}
    return {
        "nav_workspaces": workspaces_for(user),
        "unread_notifications": unread_count(user),
        **_site(),
    }
