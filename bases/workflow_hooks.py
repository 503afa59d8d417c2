"""The audiences the designated base's and the annual report's definitions name in ``notify`` (portal.workflow)."""

from bases.selectors import organiser_officers, park_admins
from portal.workflow import audience


def _base(obj):
    """The base itself, or the base an annual report is about."""
    return getattr(obj, "base", obj)


@audience("base_park")
def base_park_users(obj):
    """The administrators of the base's park."""
    return park_admins(_base(obj).park_id)


@audience("base_organiser")
def base_organiser_users(obj):
    """The provincial officers of the department that designated the base and decides its status and reports."""
    return organiser_officers(_base(obj).organiser_id)
