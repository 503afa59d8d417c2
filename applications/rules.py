"""Who may do what with calls, applications and their files."""

import rules

from applications import programmes, units
from portal.accounts.models import Role
from portal.accounts.rules import is_provincial_officer
from portal.accounts.selectors import memberships_of


def _orgs(user, *roles) -> set[int]:
    return {m.organization_id for m in memberships_of(user) if m.role in roles}


@rules.predicate
def is_organiser_of_call(user, call) -> bool:
    return call is not None and call.organiser_id in _orgs(user, Role.PROVINCIAL_OFFICER)


@rules.predicate
def is_park_member(user, application) -> bool:
    """The applicant's own people: a park's administrators (bases), an enterprise's applicants (fund)."""
    return application is not None and application.park_id in _orgs(
        user, Role.PARK_ADMIN, Role.ENTERPRISE_APPLICANT)


@rules.predicate
def is_bases_application(user, application) -> bool:
    return application is not None and programmes.is_bases(application.call)


@rules.predicate
def is_programme_reader(user, application) -> bool:
    """Another programme's reviewers of a submitted version (e.g. the fund's district and city bureaus)."""
    return application is not None and not programmes.is_bases(application.call) and bool(
        programmes.spec_for(application).can_read_submitted(user, application))


@rules.predicate
def is_unit_reviewer_of(user, application) -> bool:
    """The recommending unit of the park: its city's commerce bureau, or its province's (national)."""
    return application is not None and units.is_unit_reviewer(user, application)


@rules.predicate
def is_unit_coreviewer_of(user, application) -> bool:
    return application is not None and units.is_unit_coreviewer(user, application)


@rules.predicate
def is_past_preliminary_review(user, application) -> bool:
    return application is not None and application.state in ("approved", "recommended", "formal_passed")


@rules.predicate
def is_organiser_of(user, application) -> bool:
    return application is not None and application.call.organiser_id in _orgs(
        user, Role.PROVINCIAL_OFFICER)


@rules.predicate
def has_submitted_version(user, application) -> bool:
    return application is not None and application.latest_version_number > 0


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.is_editable


@rules.predicate
def is_assigned_expert(user, application) -> bool:
    """An expert assigned to the application who has confirmed having no conflict of interest.
    (The reverse accessor keeps applications free of imports from review.)"""
    return application is not None and user.is_authenticated and application.assignments.filter(
        expert__user=user, no_conflict_confirmed_at__isnull=False).exists()


_bases_readers = is_unit_reviewer_of | is_organiser_of | (is_unit_coreviewer_of & is_past_preliminary_review)
can_read_submitted = has_submitted_version & ((is_bases_application & _bases_readers) | is_programme_reader)

rules.add_perm("applications.add_call", is_provincial_officer)
rules.add_perm("applications.manage_call", is_organiser_of_call)
rules.add_perm("applications.start_application", rules.is_authenticated)  # park checked in service
rules.add_perm("applications.view_application", is_park_member | can_read_submitted | is_assigned_expert)
rules.add_perm("applications.edit_application", is_park_member & is_editable)
rules.add_perm("applications.submit_application", is_park_member & is_editable)
# Drafts and their files are the park's; a submitted version is read by its city and the organiser.
rules.add_perm("applications.view_draft", is_park_member)
rules.add_perm("applications.view_versions", is_park_member | can_read_submitted | is_assigned_expert)
rules.add_perm("applications.view_application_all_versions", is_park_member | can_read_submitted)
