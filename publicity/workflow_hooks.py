"""The audiences the notice's and objection's definitions name in ``notify`` (portal.workflow)."""

from applications.selectors import park_memberships_for_application
from portal.workflow import audience


@audience("candidate_parks")
def candidate_park_users(notice):
    """The administrators of the parks on the notice, listed in its order."""
    users = {}
    for item in notice.items.select_related("application__park").order_by("order", "pk"):
        for membership in park_memberships_for_application(item.application):
            users.setdefault(membership.user_id, membership.user)
    return list(users.values())
