"""珠海市内外经贸发展专项资金（服务贸易发展事项）: the service-trade fund of 珠商〔2019〕28号 (seed 004).

Enterprises (not parks) apply for one or more supported items; the commerce department of the enterprise's
district or economic functional area (区/经济功能区商务部门, 横琴新区 included) does the preliminary review and gives
its opinion; the city commerce bureau does the formal check and the review (形式审查、评审) and drafts the funding
plan (专项资金安排计划); the plan is posted on the bureau's site (公示); an upheld objection cancels that item's
support; the city government approves (市政府审批); the bureau issues the plan (下达).

Review chain: district → city. The last step is an approval by the city government, not a designation.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.workflow import ObjectFlow, State, Tier, Transition, Workflow, register

DISTRICT = Tier(key="district", label=_("District commerce bureau"), region_level="district",
                reviewer_role="district_reviewer", reviewer_kind="district_commerce")
CITY = Tier(key="city", label=_("City commerce bureau"), region_level="city",
            reviewer_role="fund_officer", reviewer_kind="city_commerce")

DRAFT, SUBMITTED, RETURNED, APPROVED, REJECTED = "draft", "submitted", "returned", "approved", "rejected"
EVALUATED, DECLINED, FUNDED, SUPPORT_CANCELLED = "evaluated", "declined", "funded", "support_cancelled"

APPLICATION = ObjectFlow(
    states=[
        State(DRAFT, _("Draft")),
        State(SUBMITTED, _("Submitted")),
        State(RETURNED, _("Returned for revision")),
        State(APPROVED, _("Passed preliminary review")),
        State(REJECTED, _("Not passed by the district")),
        State(EVALUATED, _("Passed the city's review")),
        State(DECLINED, _("Not supported")),
        State(FUNDED, _("Funded")),
        State(SUPPORT_CANCELLED, _("Support cancelled")),
    ],
    groups={
        "editable": {DRAFT, RETURNED},
        "awaiting_review": {SUBMITTED},
        # the city bureau sees what its districts passed
        "city_visible": {APPROVED, EVALUATED, DECLINED, FUNDED, SUPPORT_CANCELLED},
        "awaiting_city_review": {APPROVED},
        # its items with support proposed are in the funding plan
        "in_plan": {EVALUATED, FUNDED},
    },
    transitions=[
        Transition("submit", source={DRAFT, RETURNED}, target=SUBMITTED,
                   permission="applications.submit_application", verb="application.submitted",
                   notify={"park": "fund.submitted", "district_reviewers": "fund.received"},
                   label=_("Submit"), url="applications:submit"),
        # 区商务部门出具初审意见
        Transition("approve", source={SUBMITTED}, target=APPROVED, permission="funds.district_review",
                   verb="fund.district_approved", notify={"park": "fund.decided", "fund_officers": "fund.forwarded"},
                   label=_("Preliminary review"), url="funds:district-review"),
        Transition("return_for_revision", source={SUBMITTED}, target=RETURNED, permission="funds.district_review",
                   verb="fund.district_returned", notify={"park": "fund.decided"},
                   label=_("Preliminary review"), url="funds:district-review"),
        Transition("reject", source={SUBMITTED}, target=REJECTED, permission="funds.district_review",
                   verb="fund.district_rejected", notify={"park": "fund.decided"},
                   label=_("Preliminary review"), url="funds:district-review"),
        # 市商务局形式审查并组织项目审核（评审）
        Transition("evaluate", source={APPROVED}, target=EVALUATED, permission="funds.city_review",
                   verb="fund.city_evaluated", notify={"park": "fund.decided"},
                   label=_("City review"), url="funds:city-review"),
        Transition("decline", source={APPROVED}, target=DECLINED, permission="funds.city_review",
                   verb="fund.city_declined", notify={"park": "fund.decided"},
                   label=_("City review"), url="funds:city-review"),
        # 有异议的项目…情况属实的取消该单位财政资金支持资格 (every item of it cancelled; the enterprise is told of
        # each item's cancellation)
        Transition("cancel_support", source={EVALUATED}, target=SUPPORT_CANCELLED, permission="funds.manage_plan",
                   verb="fund.support_cancelled"),
        # 市商务局下达专项资金计划
        Transition("fund", source={EVALUATED}, target=FUNDED, permission="funds.manage_plan",
                   verb="fund.funded", notify={"park": "fund.plan_issued"}),
    ],
)

# 申报通知: the city bureau's fund call, drafted with its supported items (支持事项), opened for applications,
# closed.
CALL = ObjectFlow(
    states=[State("draft", _("Draft")), State("open", pgettext_lazy("call status", "Open")),
            State("closed", pgettext_lazy("call status", "Closed"))],
    groups={"configurable": {"draft"}, "accepting": {"open"}},
    transitions=[
        Transition("open", source={"draft"}, target="open", permission="funds.manage_call", verb="call.opened",
                   label=_("Open the call"), url="funds:call-open"),
        Transition("close", source={"open"}, target="closed", permission="funds.manage_call", verb="call.closed",
                   label=_("Close the call"), url="funds:call-close", css="btn-outline-danger"),
    ],
)

# One supported item an application asks for: requested, or its support cancelled by an upheld objection
# (recorded on the application).
ITEM_REQUEST = ObjectFlow(
    states=[State("active", _("Requested")), State("cancelled", _("Support cancelled"))],
    groups={"active": {"active"}, "cancelled": {"cancelled"}},
    transitions=[
        Transition("cancel", source={"active"}, target="cancelled", permission="funds.manage_plan",
                   verb="fund.item_cancelled", audited_on="application", notify={"enterprise": "fund.item_cancelled"}),
    ],
)

PLAN = ObjectFlow(
    states=[
        State("draft", _("Being drafted")),
        State("publicity", _("On public notice")),
        State("awaiting_approval", _("Submitted to the city government")),
        State("approved", _("Approved by the city government")),
        State("issued", _("Issued")),
    ],
    groups={"public": {"publicity", "awaiting_approval", "approved", "issued"}},
    transitions=[
        Transition("publish", source={"draft"}, target="publicity", permission="funds.manage_plan",
                   verb="fund_plan.published", label=_("Post the plan for public notice"),
                   url="funds:plan-publish", url_args=("call_id",)),
        Transition("submit_for_approval", source={"publicity"}, target="awaiting_approval",
                   permission="funds.manage_plan", guards=("funds.notice_over_and_objections_decided",),
                   verb="fund_plan.submitted", label=_("Submit to the city government"),
                   url="funds:plan-submit", url_args=("call_id",)),
        Transition("approve_plan", source={"awaiting_approval"}, target="approved", permission="funds.manage_plan",
                   verb="fund_plan.approved", label=_("Record the city government's approval"),
                   url="funds:plan-approval", url_args=("call_id",)),
        Transition("issue", source={"approved"}, target="issued", permission="funds.manage_plan",
                   verb="fund_plan.issued", label=_("Issue the plan"),
                   url="funds:plan-issue", url_args=("call_id",)),
    ],
)

FUND = register(Workflow(
    key="fund", label=_("Service-trade development fund"),
    chain=(DISTRICT, CITY),
    objects={"call": CALL, "application": APPLICATION, "item_request": ITEM_REQUEST, "fund_plan": PLAN},
))
