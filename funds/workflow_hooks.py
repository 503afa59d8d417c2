"""The guards and audiences the fund programme's definition (workflows/fund.py) names."""

from django.utils import timezone

from portal.workflow import audience, guard


@audience("district_reviewers")
def district_reviewers(application):
    """The reviewers of the commerce department of the enterprise's district (区/经济功能区商务部门)."""
    from funds.services import district_reviewers_of

    return district_reviewers_of(application)


@audience("enterprise")
def enterprise(item_request):
    """The applicants of the enterprise whose application requests the item."""
    from funds.services import applicants_of

    return applicants_of(item_request.application)


@audience("fund_officers")
def fund_officers(obj):
    """The fund officers of the call's organiser (市商务局)."""
    from funds.services import fund_officers_of

    return fund_officers_of(obj)


@guard("funds.notice_over_and_objections_decided")
def notice_over_and_objections_decided(plan) -> bool:
    """The notice period has ended and every objection has been verified (公示期结束…有异议的项目…组织核查)."""
    from funds.models import PlanObjection

    if plan.publicity_end is None or timezone.localdate() <= plan.publicity_end:
        return False
    return not plan.objections.filter(decision=PlanObjection.Decision.PENDING).exists()
