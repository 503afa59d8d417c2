"""数字服务出口基地: the designation of digital service export bases (seeds 000 and 001).

A provincial call (seed 000) is reviewed by each city's commerce bureau with the city's 网信 and 工信
departments, then by the province; a national call (seed 001) by each province's commerce department
with the provincial 网信 and 工信 departments, then by the ministry.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.workflow import ObjectFlow, State, Tier, Transition, Workflow, register

CITY = Tier(key="city", label=_("City (each prefecture-level city)"), region_level="city",
            reviewer_role="city_reviewer", reviewer_kind="city_commerce",
            coreviewer_role="city_coreviewer", coreviewer_kinds=("city_cac", "city_miit"))
PROVINCE = Tier(key="province", label=_("Province (quota per pilot city)"), region_level="province",
                reviewer_role="provincial_officer", reviewer_kind="province_commerce",
                coreviewer_role="provincial_coreviewer", coreviewer_kinds=("province_cac", "province_miit"),
                quota_by_pilot_place=True)
NATION = Tier(key="nation", label=_("Ministry of Commerce"), region_level="",
              reviewer_role="provincial_officer", reviewer_kind="ministry")

DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
REJECTED, RECOMMENDED, FORMAL_PASSED = "rejected", "recommended", "formal_passed"

APPLICATION = ObjectFlow(
    states=[
        State(DRAFT, _("Draft")),
        State(SUBMITTED, _("Submitted")),
        State(RETURNED, _("Returned for revision")),
        State(APPROVED, _("Passed preliminary review")),
        State(REJECTED, _("Not recommended")),
        State(RECOMMENDED, _("Recommended")),
        State(FORMAL_PASSED, _("Passed the formal check")),
    ],
    groups={
        # the park edits its dossier and may (re)submit
        "editable": {DRAFT, RETURNED},
        # sent back to the park by its unit
        "returned": {RETURNED},
        # the recommending unit has a decision to take
        "awaiting_review": {SUBMITTED},
        # the recommending unit's inbox
        "reviewable": {SUBMITTED, RETURNED, APPROVED, REJECTED, RECOMMENDED},
        # a decision was taken on it
        "reviewed": {RETURNED, APPROVED, REJECTED, RECOMMENDED, FORMAL_PASSED},
        # the co-reviewing departments read it
        "past_preliminary_review": {APPROVED, RECOMMENDED, FORMAL_PASSED},
        "coreviewable": {APPROVED, RECOMMENDED},
        # the unit may put it on its recommendation
        "recommendable": {APPROVED},
        # it occupies a place of the unit's quota
        "counted": {RECOMMENDED, FORMAL_PASSED},
        "awaiting_formal_check": {RECOMMENDED},
        # experts score it and it is ranked
        "rankable": {FORMAL_PASSED},
        # with the organiser (recommended, possibly checked): it may be on the candidate list
        "with_organiser": {RECOMMENDED, FORMAL_PASSED},
    },
    transitions=[
        Transition("submit", source={DRAFT, RETURNED}, target=SUBMITTED,
                   permission="applications.submit_application", verb="application.submitted",
                   notify={"park": "application.submitted", "recommending_unit": "application.received"},
                   label=_("Check and submit"), url="applications:submit"),
        # The preliminary review (初审); from APPROVED only for an application returned at the formal check.
        Transition("return_for_revision", source={SUBMITTED, APPROVED}, target=RETURNED,
                   permission="review.review_application", guards=("review.open_formal_return_if_approved",),
                   verb="review.return", notify=("park",), label=_("Review"), url="review:review"),
        Transition("reject", source={SUBMITTED, APPROVED}, target=REJECTED,
                   permission="review.review_application", guards=("review.open_formal_return_if_approved",),
                   verb="review.reject", notify=("park",), label=_("Review"), url="review:review"),
        Transition("approve", source={SUBMITTED}, target=APPROVED,
                   permission="review.review_application", verb="review.approve",
                   # the co-reviewers only when the call requires co-review (the audience is empty otherwise)
                   notify={"park": "review.approve", "coreviewers": "coreview.requested"},
                   label=_("Review"), url="review:review"),
        # Recommended on the unit's letter, or re-sent after a formal return: recorded and told by the
        # recommendation's transition (send, resend), which moves the applications.
        Transition("recommend", source={APPROVED}, target=RECOMMENDED,
                   permission="review.review_application", verb="recommendation.sent",
                   audited_on="recommendation"),
        # Returned at the formal check (the park is told, the unit in the words of the return, with its
        # re-send deadline), or with the whole recommendation (recorded and told by return_to_unit).
        Transition("withdraw_recommendation", source={RECOMMENDED, FORMAL_PASSED}, target=APPROVED,
                   permission="review.check_application", verb="formal_check.return",
                   notify=("park", "recommending_unit")),
        Transition("pass_formal_check", source={RECOMMENDED}, target=FORMAL_PASSED,
                   permission="review.check_application", verb="formal_check.pass", notify=("park",)),
        # 复审: a designated base enters a re-review round ready to be scored (its annual reports are the dossier)
        Transition("include_in_rereview", source=set(), target=FORMAL_PASSED, permission="rereview.start_round",
                   verb="rereview.included"),
        # an application of a round held before the portal, recorded as it stood when the portal took it over
        Transition("import_formal_passed", source=set(), target=FORMAL_PASSED, permission="review.check_application",
                   verb="application.imported"),
    ],
)

# 申报批次: drafted by the organiser, open to parks, closed.
CALL = ObjectFlow(
    states=[State("draft", _("Draft")), State("open", pgettext_lazy("call status", "Open")),
            State("closed", pgettext_lazy("call status", "Closed"))],
    groups={"configurable": {"draft"}, "accepting": {"open"}},
    transitions=[
        Transition("open", source={"draft"}, target="open", permission="applications.manage_call",
                   verb="call.opened"),
        Transition("close", source={"open"}, target="closed", permission="applications.manage_call",
                   verb="call.closed"),
        # a re-review round's own call, closed from the start (no park applies to it)
        Transition("start_rereview", source=set(), target="closed", permission="rereview.start_round",
                   verb="rereview.started"),
        # a call of a round held and closed before the portal, recorded as history
        Transition("import_closed", source=set(), target="closed", permission="applications.manage_call",
                   verb="call.imported"),
    ],
)

# 推荐函: the recommending unit's list, sent to the organiser, possibly returned.
RECOMMENDATION = ObjectFlow(
    states=[State("draft", _("Being prepared")), State("sent", _("Sent")),
            State("returned", _("Returned by the organiser"))],
    groups={"editable": {"draft", "returned"}, "locked": {"sent"}, "returned": {"returned"}},
    transitions=[
        Transition("send", source={"draft", "returned"}, target="sent",
                   permission="review.prepare_recommendation", verb="recommendation.sent", notify=("organiser",)),
        # After a return of the formal check the unit re-sends one application (revised, or another park)
        # on its sent letter: recorded on that application.
        Transition("resend", source={"sent"}, target="sent", permission="review.prepare_recommendation",
                   verb="recommendation.resent", audited_on="application", notify=("organiser",)),
        Transition("return_to_unit", source={"sent"}, target="returned",
                   permission="review.return_recommendation", verb="recommendation.returned",
                   notify=("recommending_unit",)),
    ],
)

# 公示: the candidate list on public notice.
NOTICE = ObjectFlow(
    states=[State("draft", _("Draft")), State("published", _("Under public notice")),
            State("closed", _("Notice period ended")), State("withdrawn", _("Withdrawn"))],
    groups={"editable": {"draft"}, "public": {"published", "closed", "withdrawn"},
            "receives_objections": {"published", "closed"}, "withdrawn": {"withdrawn"}},
    transitions=[
        # each park on the notice is told, in a message naming it
        Transition("publish", source={"draft"}, target="published", permission="publicity.manage_notice",
                   verb="notice.published", notify=("candidate_parks",)),
        # at the end of the window, by the beat task (the portal acts)
        Transition("close", source={"published"}, target="closed", permission="publicity.manage_notice",
                   verb="notice.closed", notify=("organiser",)),
        Transition("withdraw", source={"published", "closed"}, target="withdrawn",
                   permission="publicity.manage_notice", verb="notice.withdrawn"),
    ],
)

# 异议 on a 公示: received (filed online by anyone while the notice's window is open, or a letter registered by an
# officer, under investigation at once), investigated, decided (upheld, not upheld, not accepted). The officers of
# the notice's call handle it (``publicity.handle_objection``) and are told of each new one.
OBJECTION = ObjectFlow(
    states=[State("received", _("Received")), State("registered", _("Registered, under investigation")),
            State("decided", _("Decided"))],
    groups={"awaiting_registration": {"received"}, "open": {"received", "registered"}, "decided": {"decided"}},
    transitions=[
        Transition("file", source=set(), target="received", permission="publicity.file_objection",
                   verb="objection.received", notify=("organiser",)),
        Transition("register_postal", source=set(), target="registered", permission="publicity.handle_objection",
                   verb="objection.postal_registered", notify={"organiser": "objection.received"}),
        Transition("register", source={"received"}, target="registered", permission="publicity.handle_objection",
                   verb="objection.registered"),
        Transition("uphold", source={"received", "registered"}, target="decided",
                   permission="publicity.handle_objection", verb="objection.upheld"),
        Transition("not_uphold", source={"received", "registered"}, target="decided",
                   permission="publicity.handle_objection", verb="objection.not_upheld"),
        Transition("not_accept", source={"received", "registered"}, target="decided",
                   permission="publicity.handle_objection", verb="objection.not_accepted"),
    ],
)

# 利益冲突 between an expert and an application: suggested by the matching, confirmed or dismissed by the
# organiser (recorded on the application); a declaration by the expert is confirmed at once (the removal of
# the expert's assignment is what the application's history records).
CONFLICT = ObjectFlow(
    states=[State("suggested", _("Suggested")), State("confirmed", _("Confirmed")),
            State("dismissed", _("Dismissed"))],
    groups={"undecided": {"suggested"}, "blocking": {"suggested", "confirmed"}},
    transitions=[
        Transition("confirm", source={"suggested"}, target="confirmed", permission="review.decide_conflict",
                   verb="conflict.confirmed", audited_on="application"),
        Transition("dismiss", source={"suggested"}, target="dismissed", permission="review.decide_conflict",
                   verb="conflict.dismissed", audited_on="application"),
        Transition("declare", source=set(), target="confirmed", permission="review.declare_conflict"),
    ],
)

# 基地状态 of a designated base (seed 001 四(五), seed 000 附件1 五): 在册, 限期整改 (possibly ordered again with a new
# deadline), 撤销 (final: a title is regained only by a new designation). Each change is decided by a document.
DESIGNATED_BASE = ObjectFlow(
    states=[State("active", pgettext_lazy("base status", "Active")),
            State("rectification", pgettext_lazy("base status", "Under rectification")),
            State("revoked", pgettext_lazy("base status", "Revoked"))],
    groups={"active": {"active"}, "under_rectification": {"rectification"}, "revoked": {"revoked"}},
    transitions=[
        Transition("order_rectification", source={"active", "rectification"}, target="rectification",
                   permission="bases.change_status", verb="base.status_changed", notify=("base_park",)),
        Transition("restore", source={"rectification"}, target="active", permission="bases.change_status",
                   verb="base.status_changed", notify=("base_park",)),
        Transition("revoke", source={"active", "rectification"}, target="revoked",
                   permission="bases.change_status", verb="base.status_changed", notify=("base_park",)),
    ],
)

# 年度建设进展报告 of a designated base: filled in by the park, submitted (its organiser is told), accepted or
# returned by the organiser (the park is told).
ANNUAL_REPORT = ObjectFlow(
    states=[State("draft", _("Draft")), State("submitted", _("Submitted")),
            State("returned", _("Returned for revision")), State("accepted", _("Accepted"))],
    groups={"editable": {"draft", "returned"}, "returned": {"returned"}, "awaiting_decision": {"submitted"}},
    transitions=[
        Transition("submit", source={"draft", "returned"}, target="submitted", permission="bases.edit_report",
                   verb="report.submitted", notify=("base_organiser",)),
        Transition("accept", source={"submitted"}, target="accepted", permission="bases.decide_report",
                   verb="report.accepted", notify=("base_park",)),
        Transition("return_for_revision", source={"submitted"}, target="returned",
                   permission="bases.decide_report", verb="report.returned", notify=("base_park",)),
        # a report of a year before the portal (on paper), recorded by the organiser as it stands
        Transition("import_submitted", source=set(), target="submitted", permission="bases.import_report",
                   verb="report.imported"),
        Transition("import_accepted", source=set(), target="accepted", permission="bases.import_report",
                   verb="report.imported"),
    ],
)

# 评分表: an expert's sheet, locked once submitted; the organiser may reopen it (recorded on the application).
SCORE_SHEET = ObjectFlow(
    states=[State("draft", _("Draft")), State("submitted", _("Submitted"))],
    groups={"editable": {"draft"}, "submitted": {"submitted"}},
    transitions=[
        Transition("submit", source={"draft"}, target="submitted", permission="review.work_on_sheet",
                   verb="sheet.submitted", audited_on="application"),
        Transition("reopen", source={"submitted"}, target="draft", permission="review.reopen_sheet",
                   verb="sheet.reopened", audited_on="application", notify=("expert",)),
    ],
)

# 候选名单: proposed by the organiser from the ranking, concurred by the co-issuing departments
# (recorded on the call). Each department's opinion is recorded as it is given (candidates.concur or
# candidates.object); the list is concurred when the last named co-issuer concurs, or at once when the
# call has none.
CANDIDATE_LIST = ObjectFlow(
    states=[State("draft", _("Draft")), State("proposed", _("Proposed for concurrence")),
            State("concurred", _("Concurred"))],
    groups={"editable": {"draft"}, "awaiting_concurrence": {"proposed"}},
    transitions=[
        Transition("propose", source={"draft"}, target="proposed", permission="review.manage_candidate_list",
                   verb="candidates.proposed", audited_on="call", notify={"co_issuers": "candidates.proposed"}),
        Transition("mark_concurred", source={"proposed"}, target="concurred",
                   permission="review.concur_candidate_list", notify={"organiser": "candidates.concurred"}),
        Transition("withdraw", source={"proposed"}, target="draft", permission="review.manage_candidate_list",
                   verb="candidates.withdrawn", audited_on="call"),
    ],
)

BASES = register(Workflow(
    key="bases", label=_("Digital service export bases"),
    chains={"provincial": (CITY, PROVINCE), "national": (PROVINCE, NATION)}, chain_by="level",
    objects={"call": CALL, "application": APPLICATION, "recommendation": RECOMMENDATION, "notice": NOTICE,
             "objection": OBJECTION, "conflict": CONFLICT, "annual_report": ANNUAL_REPORT,
             "designated_base": DESIGNATED_BASE,
             "score_sheet": SCORE_SHEET, "candidate_list": CANDIDATE_LIST},
))
