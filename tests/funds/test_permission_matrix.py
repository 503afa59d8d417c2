"""The fund programme's URLs × the fund's roles (and a bases city reviewer, an organiser, an administrator), against
an explicit table. The URL names come from the URLconf: a new fund URL without a row here fails."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from applications.demo import _pdf
from funds import services
from tests.security.test_permission_matrix import _client, all_url_names

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
    "funds:district-inbox": ("get", {"district_xz", "district_jw"}), "funds:district-review": ("get", {"district_xz"}),
    "funds:city-calls": ("get", CITY), "funds:call-manage": ("get", CITY), "funds:city-review": ("get", CITY),
    "funds:plan": ("get", CITY), "funds:plan-draft": ("post", CITY), "funds:plan-publish": ("get", CITY),
    "funds:objection-new": ("get", CITY), "funds:objection-decide": ("post", CITY), "funds:plan-submit": ("get", CITY),
    "funds:plan-approval": ("get", CITY), "funds:approval-file": ("get", CITY), "funds:plan-issue": ("get", CITY),
    "funds:plan-document": ("get", CITY),
    "funds:call-new": ("get", CITY), "funds:call-edit": ("get", CITY), "funds:call-items": ("get", CITY),
    "funds:call-open": ("post", CITY), "funds:call-close": ("post", CITY),
    "funds:notice-object": ("get", EVERYONE), "funds:objection-receipt": ("get", set()),
    # the applications machinery on a fund application
    "applications:detail": ("get", READERS), "applications:version": ("get", READERS),
    "applications:attachment": ("get", READERS), "applications:section": ("get", {"ent_feiqi"}),
    "applications:submit": ("get", {"ent_feiqi"}), "applications:autosave": ("post", set()),
    "workspace-enterprise": ("get", {"ent_feiqi", "ent_goldpac"}),
    "workspace-district": ("get", {"district_xz", "district_jw"}), "workspace-fund": ("get", CITY),
}


def test_every_fund_url_is_in_the_table():
    names = {n for n in all_url_names() if n.startswith("funds:")}
    assert names == {n for n in ACCESS if n.startswith("funds:")}


@pytest.fixture
def world(submitted, user_named, monkeypatch):
    """feiqi's application through both reviews; the plan posted, an objection upheld, approved and issued."""
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
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))
    services.submit_for_approval(plan=plan, user=officer)
    services.record_approval(plan=plan, user=officer, document_number="珠府函〔2026〕88号",
                             document_date=date(2026, 12, 14),
                             uploaded_file=SimpleUploadedFile("批复.pdf", _pdf("reply"),
                                                              content_type="application/pdf"))
    services.issue_plan(plan=plan, user=officer, document_number="珠商〔2026〕120号", document_date=date(2026, 12, 14))
    return {"call": submitted.call_id, "application": submitted.pk, "objection": objection.pk,
            "attachment": submitted.attachments.first().pk}


def _kwargs(name, pattern, world) -> dict:
    kwargs = {}
    for converter in pattern.pattern.converters:
        if converter == "pk":
            if name in ("funds:district-review", "funds:city-review") or name.startswith("applications:"):
                kwargs["pk"] = world["application"]
            elif name == "funds:objection-decide":
                kwargs["pk"] = world["objection"]
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
