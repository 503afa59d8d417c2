from django.conf import settings

from portal.home.workspaces import workspaces_for
from portal.notifications.selectors import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_workspaces": [], "portal_name": settings.PORTAL_NAME}
    return {
        "nav_workspaces": workspaces_for(user),
        "unread_notifications": unread_count(user),
        "portal_name": settings.PORTAL_NAME,
    }
