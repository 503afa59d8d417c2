"""Who may do what with a base's status and its annual reports.

The organiser of a base is the department that designated it (``DesignatedBase.organiser``: the provincial
department of commerce for a provincial base, the ministry for a national one); its provincial officers decide
the status, open the reporting periods and accept or return the reports. The park administrators of the base's
park fill in its reports; the commerce bureau of the base's city reads them."""

import rules

from portal.accounts.models import Role
from portal.accounts.rules import is_provincial_officer
from portal.accounts.selectors import memberships_of
from portal.accounts.selectors import organization_ids_for_role as _orgs


def _city_region_ids(user) -> set[int]:
    return {m.organization.region_id for m in memberships_of(user)
            if m.role == Role.CITY_REVIEWER and m.organization.region_id}


def base_city_region_id(base) -> int | None:
    """The prefecture-level city of the base's park (its region, or the region above a district)."""
    park = base.park
    if park is None or park.region is None:
        return None
    region = park.region
    if region.level == region.Level.DISTRICT:
        return region.parent_id
    return region.pk


@rules.predicate
def is_organiser_of_base(user, base) -> bool:
    return base is not None and base.organiser_id is not None and base.organiser_id in _orgs(
        user, Role.PROVINCIAL_OFFICER)


@rules.predicate
def is_park_of_base(user, base) -> bool:
    return base is not None and base.park_id is not None and base.park_id in _orgs(user, Role.PARK_ADMIN)


@rules.predicate
def is_city_of_base(user, base) -> bool:
    return base is not None and base_city_region_id(base) in _city_region_ids(user)


@rules.predicate
def is_organiser_of_report(user, report) -> bool:
    return report is not None and is_organiser_of_base(user, report.base)


@rules.predicate
def is_park_of_report(user, report) -> bool:
    return report is not None and is_park_of_base(user, report.base)


@rules.predicate
def is_city_of_report(user, report) -> bool:
    return report is not None and is_city_of_base(user, report.base)


@rules.predicate
def report_is_editable(user, report) -> bool:
    return report is not None and report.is_editable


@rules.predicate
def report_is_submitted(user, report) -> bool:
    return report is not None and report.status == report.Status.SUBMITTED


@rules.predicate
def report_was_submitted(user, report) -> bool:
    return report is not None and report.latest_version_number > 0


@rules.predicate
def is_organiser_of_period(user, period) -> bool:
    return period is not None and period.organiser_id in _orgs(user, Role.PROVINCIAL_OFFICER)


rules.add_perm("bases.change_status", is_organiser_of_base)
rules.add_perm("bases.view_status_documents", is_organiser_of_base | is_park_of_base | is_city_of_base)
rules.add_perm("bases.open_reporting_period", is_provincial_officer)  # own department checked in the service
rules.add_perm("bases.manage_period", is_organiser_of_period)
rules.add_perm("bases.view_report", is_park_of_report | is_organiser_of_report | (is_city_of_report &
                                                                                   report_was_submitted))
rules.add_perm("bases.edit_report", is_park_of_report & report_is_editable)
rules.add_perm("bases.decide_report", is_organiser_of_report & report_is_submitted)
rules.add_perm("bases.import_report", is_organiser_of_report)  # a report of a year before the portal
