"""The fund programme's URLs × the fund's roles (and a bases city reviewer, an organiser, an administrator), against
an explicit table. The URL names come from the URLconf: a new fund URL without a row here fails.

The URLs that perform a transition of the fund's definition are not in ACCESS: their rows come from the definition
(portal.workflow.matrix) and are probed in every state this world puts the application and the plan into, against
HOLDERS (tests.security.test_permission_matrix.probe_transition_rows)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from applications.demo import _pdf
from funds import demo as fund_demo
from funds import services
from portal.workflow import matrix
from tests.funds.conftest import FIGURES
from tests.security.test_permission_matrix import Situation, _client, all_url_names, probe_transition_rows

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROLES = ["anonymous", "ent_feiqi", "ent_goldpac", "district_xz", "district_jw", "zh_fund", "city_gz", "gd_officer",
         "sysadmin"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
CITY = {"zh_fund"}
READERS = {"ent_feiqi", "district_xz", "zh_fund"}  # of feiqi's submitted application

ACCESS = {
    "funds:call": ("get", SIGNED_IN), "funds:start": ("post", {"ent_feiqi", "ent_goldpac"}),
    "funds:notice": ("get", EVERYONE),
    "funds:district-inbox": ("get", {"district_xz", "district_jw"}),
    "funds:city-calls": ("get", CITY), "funds:call-manage": ("get", CITY),
    "funds:plan": ("get", CITY), "funds:plan-draft": ("post", CITY),
    "funds:objection-new": ("get", CITY), "funds:objection-decide": ("post", CITY),
    "funds:approval-file": ("get", CITY), "funds:plan-document": ("get", CITY),
    "funds:call-new": ("get", CITY), "funds:call-edit": ("get", CITY), "funds:call-items": ("get", CITY),
    "funds:notice-object": ("get", EVERYONE), "funds:objection-receipt": ("get", set()),
    "funds:objection-status": ("get", EVERYONE), "funds:objection-reveal": ("post", CITY),
    # the applications machinery on a fund application
    "applications:detail": ("get", READERS), "applications:version": ("get", READERS),
    "applications:attachment": ("get", READERS), "applications:section": ("get", {"ent_feiqi"}),
    "applications:autosave": ("post", set()),
    "workspace-enterprise": ("get", {"ent_feiqi", "ent_goldpac"}),
    "workspace-district": ("get", {"district_xz", "district_jw"}), "workspace-fund": ("get", CITY),
}


# The pages that perform a transition of the fund's definition: their rows come from it.
TRANSITION_URLS = matrix.url_names("fund")


def test_every_fund_url_is_in_the_table():
    names = {n for n in all_url_names() if n.startswith("funds:")}
    assert names == {n for n in set(ACCESS) | TRANSITION_URLS if n.startswith("funds:")}
    assert TRANSITION_URLS <= set(all_url_names())
    assert set(ACCESS) & TRANSITION_URLS == set(), "a transition URL's rows come from the definition, not ACCESS"


@pytest.fixture
def world(submitted, user_named, monkeypatch):
    """feiqi's application through both reviews; the plan posted, an objection upheld, one filed online not upheld,
    approved and issued."""
    from django.utils import timezone

    officer = user_named("zh_fund")
    services.district_review(application=submitted, user=user_named("district_xz"), decision="approve", opinion="同意")
    offshore, insurance = sorted(submitted.item_requests.select_related("item"), key=lambda r: r.item.order)
    services.city_review(application=submitted, user=officer, decision="evaluate", opinion="评审通过",
                         items={offshore.pk: {"amount": "200000"}, insurance.pk: {"amount": "38000"}})
    plan = services.draft_plan(call=submitted.call, user=officer)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    plan = services.publish_plan(plan=plan, user=officer, start=date(2026, 12, 7))
    objection = services.record_objection(plan=plan, user=officer, item_request=insurance, objector="王磊",
                                          contact="13800000000", facts="保费发票为2017年度。",
                                          received_on=date(2026, 12, 8))
    services.decide_objection(objection=objection, user=officer, upheld=True, finding="情况属实。")
    online = services.file_objection(plan=plan, item_request=offshore, values={
        "name": "李娜", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13900139000",
        "email": "", "facts": "离岸外包合同执行金额与发票不符。"})
    services.decide_objection(objection=online, user=officer, upheld=False, finding="经核查，情况不属实。")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))
    services.submit_for_approval(plan=plan, user=officer)
    services.record_approval(plan=plan, user=officer, document_number="珠府函〔2026〕88号",
                             document_date=date(2026, 12, 14),
                             uploaded_file=SimpleUploadedFile("批复.pdf", _pdf("reply"),
                                                              content_type="application/pdf"))
    services.issue_plan(plan=plan, user=officer, document_number="珠商〔2026〕120号", document_date=date(2026, 12, 14))
    return {"call": submitted.call_id, "application": submitted.pk, "objection": objection.pk,
            "online_objection": online.pk, "attachment": submitted.attachments.first().pk}


def _kwargs(name, pattern, world) -> dict:
    kwargs = {}
    for converter in pattern.pattern.converters:
        if converter == "pk":
            if name in ("funds:district-review", "funds:city-review") or name.startswith("applications:"):
                kwargs["pk"] = world["application"]
            elif name == "funds:objection-decide":
                kwargs["pk"] = world["objection"]
            elif name == "funds:objection-reveal":
                kwargs["pk"] = world["online_objection"]
            else:
                kwargs["pk"] = world["call"]
        else:
            kwargs[converter] = {"fmt": "pdf", "number": 1, "key": "cover",
                                 "attachment_pk": world["attachment"]}[converter]
    return kwargs


def test_every_fund_role_on_every_fund_url(world):
    urls = all_url_names()
    failures = []
    for role in ROLES:
        client = _client(role)
        for name, (method, allowed) in sorted(ACCESS.items()):
            url = reverse(name, kwargs=_kwargs(name, urls[name], world))
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            status = response.status_code
            to_login = status == 302 and response["Location"].startswith(reverse("login"))
            refused = status in (403, 404) or to_login
            assert status < 500, (role, name, status)
            if role in allowed and refused:
                failures.append(f"{role} refused on {name} ({method.upper()} {url}: {status})")
            if role not in allowed and not refused:
                failures.append(f"{role} NOT refused on {name} ({method.upper()} {url}: {status})")
    assert failures == [], "\n".join(failures)


# who holds each permission of the fund's transition URLs on feiqi's application and its call's plan, in a source state
HOLDERS = {"applications.submit_application": {"ent_feiqi"}, "funds.district_review": {"district_xz"},
           "funds.city_review": CITY, "funds.manage_plan": CITY, "funds.manage_call": CITY}
AMOUNTS = {"offshore": "200000", "insurance": "38000"}


@pytest.fixture
def fund_states(fund_call, feiqi, feiqi_org, user_named, monkeypatch):
    """feiqi's application and the call's plan taken through the services into each state of their flows. The
    requests run once the plan's notice is over (the notice starts today); the application's deadline is later."""
    from django.utils import timezone

    from applications import services as application_services
    from applications.models import Application
    from funds.models import FundPlan
    from portal.workdays import add_workdays

    district, officer = user_named("district_xz"), user_named("zh_fund")
    today, now = timezone.localdate(), timezone.now()
    after_notice = datetime.combine(add_workdays(today, fund_call.publicity_days) + timedelta(days=1), time(10),
                                    tzinfo=SHANGHAI)
    assert after_notice < fund_call.park_deadline
    application = services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi,
                                             item_codes=list(AMOUNTS))
    fund_demo.fill(application, feiqi, FIGURES)

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    def fresh():
        return Application.objects.get(pk=application.pk)

    def situation(state, *steps, obj=fresh, **kwargs):
        def setup():
            at(after_notice)
            for step in steps:
                step()
            return obj()
        return Situation(state, setup, **kwargs)

    def submit():
        application_services.submit_application(application=application, user=feiqi)

    def district_review(decision):
        return lambda: services.district_review(application=application, user=district, decision=decision,
                                                opinion="同意")

    def evaluate():
        services.city_review(application=application, user=officer, decision="evaluate", opinion="评审通过",
                             items={r.pk: {"amount": AMOUNTS[r.item.code]} for r in _requests(application)})

    def plan():
        return FundPlan.objects.get(call=fund_call)

    def publish():
        at(now)
        services.publish_plan(plan=services.draft_plan(call=fund_call, user=officer), user=officer, start=today)
        at(after_notice)

    def uphold_every_objection():
        for request in _requests(application):
            objection = services.record_objection(plan=plan(), user=officer, item_request=request, objector="王磊",
                                                  contact="13800000000", facts="发票与合同不符。", received_on=today)
            services.decide_objection(objection=objection, user=officer, upheld=True, finding="情况属实。")

    def submit_plan():
        services.submit_for_approval(plan=plan(), user=officer)

    def approve_plan():
        services.record_approval(plan=plan(), user=officer, document_number="珠府函〔2026〕88号", document_date=today,
                                 uploaded_file=SimpleUploadedFile("批复.pdf", _pdf("reply"),
                                                                  content_type="application/pdf"))

    def issue():
        services.issue_plan(plan=plan(), user=officer, document_number="珠商〔2026〕120号", document_date=today)

    def draft_call():
        from funds.items import SEED_ITEMS

        values = {"title": "", "year": today.year + 1, "document_number": "珠商〔2026〕99号",
                  "park_deadline": now + timedelta(days=60), "recommend_deadline": now + timedelta(days=75),
                  "publicity_days": 5}
        return services.save_fund_call(user=officer, values=values, item_codes=[r["code"] for r in SEED_ITEMS])

    calls = {}

    def new_call():
        calls["call"] = draft_call()

    def the_call():
        return type(calls["call"]).objects.get(pk=calls["call"].pk)

    def open_new_call():
        application_services.open_call(user=officer, call=the_call())

    def close_new_call():
        application_services.close_call(user=officer, call=the_call())

    reviewed = (submit, district_review("approve"), evaluate)
    on_notice = (*reviewed, publish)
    at(after_notice)  # the users sign in then (a session lasts a working day)
    return {
        "application": [
            situation("draft"), situation("submitted", submit),
            situation("returned", submit, district_review("return_for_revision")),
            situation("rejected", submit, district_review("reject")),
            situation("approved", submit, district_review("approve")),
            situation("evaluated", *reviewed),
            situation("declined", submit, district_review("approve"), lambda: services.city_review(
                application=application, user=officer, decision="decline", opinion="不予支持")),
            situation("funded", *on_notice, submit_plan, approve_plan, issue),
            situation("support_cancelled", *on_notice, uphold_every_objection),
        ],
        "fund_plan": [
            situation("draft", *reviewed, lambda: services.draft_plan(call=fund_call, user=officer), obj=plan),
            situation("publicity", *on_notice, obj=plan),
            situation("publicity", *on_notice, lambda: at(now), obj=plan, label="publicity (notice running)",
                      closed=frozenset({"funds.notice_over_and_objections_decided"})),
            situation("awaiting_approval", *on_notice, submit_plan, obj=plan),
            situation("approved", *on_notice, submit_plan, approve_plan, obj=plan),
            situation("issued", *on_notice, submit_plan, approve_plan, issue, obj=plan),
        ],
        "call": [
            situation("draft", new_call, obj=the_call), situation("open", new_call, open_new_call, obj=the_call),
            situation("closed", new_call, open_new_call, close_new_call, obj=the_call),
        ],
    }


def _requests(application):
    return list(application.item_requests.select_related("item").order_by("item__order"))


def _fund_step(row: matrix.Row, obj) -> dict:
    """The form that performs the row's step on the application or the plan."""
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    if row.transition == "submit":
        return {"justification": "", "confirm": "on"}
    if row.url == "funds:district-review":
        return {"decision": row.transition, "opinion": "同意"}
    if row.transition == "evaluate":
        return {"decision": "evaluate", "opinion": "评审通过",
                **{f"amount_{r.pk}": AMOUNTS[r.item.code] for r in _requests(obj)}}
    return {"decline": {"decision": "decline", "opinion": "不予支持"}, "open": {}, "close": {},
            "publish": {"start": today}, "submit_for_approval": {},
            "approve_plan": {"document_number": "珠府函〔2026〕88号", "document_date": today,
                             "file": SimpleUploadedFile("批复.pdf", _pdf("reply"), content_type="application/pdf")},
            "issue": {"document_number": "珠商〔2026〕120号", "document_date": today}}[row.transition]


def test_every_fund_role_on_every_transition_url(fund_states):
    failures = probe_transition_rows(programme="fund", roles=ROLES, holders=HOLDERS, situations=fund_states,
                                     step_data=_fund_step)
    assert failures == [], "\n".join(failures)
