"""The audiences the workflow definitions name in ``notify`` (portal.workflow): who is told of a move."""

from applications import units
from applications.selectors import park_memberships_for_application
from portal.accounts.models import Membership, Role
from portal.workflow import audience


@audience("park")
def park_users(application):
    """The park's administrators."""
    return [m.user for m in park_memberships_for_application(application)]


@audience("recommending_unit")
def recommending_unit_users(obj):
    """The reviewers of the unit that recommends the park (first tier of the call's review chain): of an
    application, or of a unit's recommendation (its ``region_id``)."""
    region_id = units.unit_region_id(obj.call, obj.park) if hasattr(obj, "park") else obj.region_id
    return [m.user for m in units.unit_members(obj.call, [region_id])]


@audience("coreviewers")
def coreviewer_users(application):
    """The staff of the departments that co-review with the recommending unit (网信, 工信); nobody when the
    call does without co-review."""
    if not application.call.co_review_required:
        return []
    region_id = units.unit_region_id(application.call, application.park)
    return [m.user for m in units.unit_members(application.call, [region_id], coreview=True)]


@audience("organiser")
def organiser_users(obj):
    """The officers of the call's organiser."""
    call = getattr(obj, "call", obj)
    return [m.user for m in Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER,
                                                      is_active=True).select_related("user")]
