"""Who may do what in the fund programme: the enterprise applies, its district's commerce bureau reviews first,
the city commerce bureau (the call's organiser) reviews, plans and issues."""

import rules

from applications.models import Application
from applications.programmes import programme_of
from portal.accounts.models import Organization, Role
from portal.accounts.rules import is_district_reviewer, is_enterprise_applicant, is_fund_officer
from portal.accounts.selectors import memberships_of

FUND = "fund"


def _call_of(obj):
    """The call of a call, an application, a plan, or an item request (its application's)."""
    if isinstance(getattr(obj, "application", None), Application):
        obj = obj.application
    return getattr(obj, "call", obj)


def _is_fund(obj) -> bool:
    return obj is not None and programme_of(_call_of(obj)) == FUND


@rules.predicate
def is_district_reviewer_of(user, application) -> bool:
    """A reviewer of the district commerce bureau (区/经济功能区商务部门) of the enterprise's district."""
    if not _is_fund(application) or application.park.region_id is None:
        return False
    return any(m.role == Role.DISTRICT_REVIEWER and m.organization.kind == Organization.Kind.DISTRICT_COMMERCE
               and m.organization.region_id == application.park.region_id for m in memberships_of(user))


@rules.predicate
def is_fund_officer_of(user, obj) -> bool:
    """A fund officer of the call's organiser (市商务局); ``obj`` is a call, an application or a plan."""
    if not _is_fund(obj):
        return False
    call = _call_of(obj)
    return any(m.role == Role.FUND_OFFICER and m.organization_id == call.organiser_id for m in memberships_of(user))


rules.add_perm("funds.apply", is_enterprise_applicant)
rules.add_perm("funds.district_review", is_district_reviewer_of)
rules.add_perm("funds.city_review", is_fund_officer_of)
rules.add_perm("funds.manage_plan", is_fund_officer_of)
# 显示完整信息: an online objector's full ID and phone numbers, to the officers who verify the objection
rules.add_perm("funds.reveal_objector_data", is_fund_officer_of)
rules.add_perm("funds.add_call", is_fund_officer)  # of the city commerce bureau, which organises the call
rules.add_perm("funds.manage_call", is_fund_officer_of)
rules.add_perm("funds.view_district_inbox", is_district_reviewer)
rules.add_perm("funds.view_fund_calls", is_fund_officer)
