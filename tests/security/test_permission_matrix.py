"""Every URL of the URLconf × every role, against an explicit table of who may use it.

The URLs come from the resolver, so a new view is covered without anyone remembering: a URL name
missing from ACCESS and from the transition rows fails the test. Objects belong to one park (广州开发区/黄埔)
in 广州; other parks, cities, organisers and experts must be refused (403 or 404) or, when signed out, sent to
sign in. Each request runs in a transaction that is rolled back, so a POST by one role changes nothing for the
next.

The URLs that perform a transition are not in ACCESS: their rows come from the workflow definitions
(portal.workflow.matrix), and each is probed in every state this test's world puts its object into
(test_every_role_on_every_transition_url), against HOLDERS, the roles that hold each permission here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications import demo as demo_data
from applications import services as application_services
from applications.models import Attachment, DossierExport
from bases import services as base_services
from bases.models import AnnualReport
from portal.workdays.models import WorkdayOverride
from portal.workflow import matrix, state_of
from publicity import services as publicity_services
from publicity.models import DesignatedBase, Objection
from review import services as review_services
from review.models import Assignment, CandidateItem, CandidateList, Conflict, ExpertProfile, Panel, ScoreSheet
from tests.applications.conftest import calls, fill_completely, gd_call  # noqa: F401
from tests.bases.conftest import FIGURES, NARRATIVE

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROLES = ["anonymous", "park_huangpu", "park_pazhou", "city_gz", "city_sz", "gz_cac", "sz_cac", "gd_officer",
         "mofcom_officer", "gd_cac", "expert_li", "expert_chen", "sysadmin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
NOBODY: set[str] = set()
PARKS = {"park_huangpu", "park_pazhou"}
OFFICERS = {"gd_officer", "mofcom_officer"}
READERS = {"park_huangpu", "city_gz", "gd_officer", "gz_cac", "expert_li"}  # of the submitted dossier

# url name → (method used to probe, roles allowed). "Allowed" means neither refused (403/404) nor
# sent to sign in: a 200, a redirect to the next step, or a 400 from a form that passed the permission check.
ACCESS: dict[str, tuple[str, set[str]]] = {
    "home": ("get", EVERYONE), "healthz": ("get", EVERYONE), "bases": ("get", EVERYONE),
    "favicon": ("get", EVERYONE), "help": ("get", EVERYONE), "help-guide": ("get", EVERYONE),
    "help-image": ("get", EVERYONE),
    # /metrics is decided by the network (the test client connects from loopback, the allowed default), not by
    # the role: tests/ops/test_observability.py checks the refusals.
    "metrics": ("get", EVERYONE),
    "switch-language": ("get", EVERYONE), "set_language": ("post", EVERYONE),
    "login": ("get", EVERYONE), "logout": ("post", EVERYONE),
    "password_reset": ("get", EVERYONE), "password_reset_done": ("get", EVERYONE),
    "password_reset_confirm": ("get", EVERYONE), "password_reset_complete": ("get", EVERYONE),
    "password_change": ("get", SIGNED_IN), "password_change_done": ("get", SIGNED_IN),
    "two-factor": ("get", SIGNED_IN), "two-factor-reset": ("post", {"sysadmin"}),
    "notifications": ("get", SIGNED_IN), "notifications-read": ("post", SIGNED_IN),
    "workspace": ("get", SIGNED_IN),
    "workspace-park": ("get", PARKS), "workspace-city": ("get", {"city_gz", "city_sz"}),
    "workspace-coreview": ("get", {"gz_cac", "sz_cac", "gd_cac"}), "workspace-province": ("get", OFFICERS),
    "workspace-expert": ("get", {"expert_li", "expert_chen"}), "workspace-system": ("get", {"sysadmin"}),
    # applications
    "applications:calls": ("get", OFFICERS), "applications:call-new": ("get", OFFICERS),
    "applications:call-detail": ("get", SIGNED_IN), "applications:call-edit": ("get", {"gd_officer"}),
    "applications:call-region-classes": ("get", {"gd_officer"}),
    "applications:call-open": ("post", {"gd_officer"}), "applications:call-close": ("post", {"gd_officer"}),
    "applications:start": ("post", PARKS),
    "applications:call-documents": ("get", {"gd_officer"}),
    "applications:call-document": ("get", NOBODY),  # the call has no document here: 404 for all (tested apart)
    "applications:call-messages": ("get", {"gd_officer"}), "applications:call-message": ("get", {"gd_officer"}),
    "applications:detail": ("get", READERS - {"expert_li"}),
    "applications:section": ("get", {"park_huangpu"}), "applications:autosave": ("post", NOBODY),
    "applications:upload": ("post", NOBODY), "applications:attachment-remove": ("post", NOBODY),
    "applications:attachment": ("get", READERS), "applications:version": ("get", READERS),
    "applications:compare": ("get", READERS - {"expert_li"}),
    "applications:export": ("get", READERS), "applications:export-download": ("get", READERS),
    # review: the recommending unit (广州) and its co-departments
    "review:inbox": ("get", {"city_gz", "city_sz"}), "review:coreview-list": ("get", {"gz_cac", "sz_cac"}),
    "review:recommendation": ("get", {"city_gz", "city_sz"}),
    "review:coreview": ("post", {"gz_cac"}),
    "review:recommendation-detail": ("get", {"city_gz", "gd_officer"}),
    "review:recommendation-return": ("post", {"gd_officer"}), "review:letter": ("get", {"city_gz", "gd_officer"}),
    # review: the organiser
    "review:overview": ("get", {"gd_officer"}), "review:formal": ("get", {"gd_officer"}),
    "review:formal-decide": ("post", {"gd_officer"}), "review:experts": ("get", OFFICERS),
    "review:experts-template": ("get", OFFICERS), "review:panels": ("get", {"gd_officer"}),
    "review:conflicts": ("get", {"gd_officer"}), "review:conflict-decide": ("post", {"gd_officer"}),
    "review:assignments": ("get", {"gd_officer"}), "review:assign": ("post", {"gd_officer"}),
    "review:rubric": ("get", {"gd_officer"}), "review:ranking": ("get", {"gd_officer"}),
    "review:ranking-export": ("get", {"gd_officer"}), "review:sheet-reopen": ("post", {"gd_officer"}),
    "review:propose": ("post", {"gd_officer"}),
    "review:candidates": ("get", {"gd_officer", "gd_cac"}),
    # review: experts
    "review:task": ("get", {"expert_li"}), "review:panel-opinions": ("get", {"expert_li", "gd_officer"}),
    "review:discussion": ("get", {"gd_officer", "expert_li"}),
    # publicity
    "publicity:notices": ("get", EVERYONE), "publicity:notice": ("get", EVERYONE),
    "publicity:notice-pdf": ("get", EVERYONE), "publicity:object": ("get", EVERYONE),
    "publicity:objection-status": ("get", EVERYONE),
    "publicity:objection-receipt": ("get", NOBODY), "publicity:objection-receipt-pdf": ("get", NOBODY),
    "publicity:designation-document": ("get", NOBODY),
    "publicity:manage-notice": ("get", {"gd_officer"}), "publicity:designate": ("post", {"gd_officer"}),
    # 会签: the organiser records paper countersignatures and publishes; the call's co-issuers countersign
    "publicity:designation-offline": ("post", {"gd_officer"}),
    "publicity:designation-publish": ("post", {"gd_officer"}),
    "publicity:countersign": ("get", {"gd_officer", "gd_cac"}), "publicity:countersign-scan": ("get", NOBODY),
    "publicity:objection-manage": ("get", {"gd_officer"}), "publicity:objection-file": ("get", {"gd_officer"}),
    # system administration (系统管理): system administrators only
    **{f"system:{name}": (method, {"sysadmin"}) for name, method in (
        ("users", "get"), ("user-new", "get"), ("user", "get"), ("user-active", "post"), ("membership-add", "post"),
        ("membership-remove", "post"), ("organizations", "get"), ("organization-new", "get"),
        ("organization", "get"), ("workdays", "get"), ("workday-delete", "post"), ("audit", "get"))},
    # the working-day calendar: kept by the organisers' officers and the administrators
    "workdays:years": ("get", OFFICERS | {"sysadmin"}), "workdays:year": ("get", OFFICERS | {"sysadmin"}),
    "publicity:postal-objection": ("get", {"gd_officer"}), "publicity:objections-not-accept": ("post", {"gd_officer"}),
    # The captcha of the objection form, public: an image for a live key (the probe's unknown key gets 410 Gone,
    # alike for everybody); a new key only for a script's request (X-Requested-With), so 404 to the probe.
    # tests/publicity/test_objection_abuse.py serves both.
    "captcha-image": ("get", EVERYONE), "captcha-refresh": ("get", NOBODY),
    # the re-review (复审): the organiser runs the round; the base's park reads its outcome; the revocation
    # document is public once issued (none is issued here: 404 for all, tested in tests/rereview)
    "rereview:rounds": ("get", OFFICERS), "rereview:start": ("get", OFFICERS),
    "rereview:round": ("get", {"gd_officer"}), "rereview:notice": ("post", {"gd_officer"}),
    "rereview:revoke": ("post", {"gd_officer"}), "rereview:revocation-document": ("get", NOBODY),
    "rereview:item": ("get", {"park_huangpu", "gd_officer"}), "rereview:outcome": ("post", {"gd_officer"}),
    "rereview:mine": ("get", PARKS),
    # the service-trade fund (seed 004): nobody here holds a fund role, and the objects here are the bases';
    # tests/funds/test_permission_matrix.py walks the same URLs with the fund's roles and objects. (The fund's
    # transition URLs are refused to everybody here too: OTHER_PROGRAMMES below.)
    "workspace-enterprise": ("get", NOBODY), "workspace-district": ("get", NOBODY), "workspace-fund": ("get", NOBODY),
    **{f"funds:{name}": (method, NOBODY) for name, method in (
        ("call", "get"), ("start", "post"), ("notice", "get"), ("district-inbox", "get"),
        ("city-calls", "get"), ("call-manage", "get"), ("plan", "get"),
        ("plan-draft", "post"), ("objection-new", "get"), ("objection-decide", "post"),
        ("approval-file", "get"), ("plan-document", "get"), ("call-new", "get"), ("call-edit", "get"),
        ("call-items", "get"), ("notice-object", "get"), ("objection-receipt", "get"), ("objection-status", "get"),
        ("objection-reveal", "post"))},
    # the open-data API (publicapi): public and read-only; django-ninja's root address answers 404 to everybody
    "publicapi:calls": ("get", EVERYONE), "publicapi:notices": ("get", EVERYONE),
    "publicapi:notice": ("get", EVERYONE), "publicapi:bases": ("get", EVERYONE),
    "publicapi:openapi-json": ("get", EVERYONE), "publicapi:openapi-view": ("get", EVERYONE),
    "publicapi:api-root": ("get", NOBODY),
    # bases: a base of 广州开发区（黄埔） designated by 广东省商务厅, under rectification by a document; its report on
    # 2025 submitted (so not editable: the park's editing URLs are refused to all here, tests/bases serves them)
    "bases:base": ("get", EVERYONE), "bases:change-status": ("get", {"gd_officer"}),
    "bases:status-document": ("get", {"park_huangpu", "city_gz", "gd_officer"}),
    "bases:reports": ("get", OFFICERS | {"park_huangpu", "city_gz"}), "bases:open-period": ("get", OFFICERS),
    "bases:report": ("get", {"park_huangpu", "city_gz", "gd_officer"}),
    "bases:evidence": ("get", {"park_huangpu", "city_gz", "gd_officer"}),
    "bases:autosave": ("post", NOBODY), "bases:submit": ("get", NOBODY), "bases:upload-evidence": ("post", NOBODY),
    "bases:remove-evidence": ("post", NOBODY),
    "bases:accept": ("post", {"gd_officer"}), "bases:return": ("post", {"gd_officer"}),
    # statistics monitoring (统计监测): the dashboard for organisers and city bureaus (their city's bases); the base's
    # page for its organiser, its park and its city; the annual-report workbook for organisers (302 back to the
    # dashboard when none is ready; tests/monitoring serves the rest)
    "monitoring:dashboard": ("get", OFFICERS | {"city_gz", "city_sz"}),
    "monitoring:base": ("get", {"park_huangpu", "city_gz", "gd_officer"}),
    "monitoring:export": ("get", OFFICERS),
}

SKIP_PREFIXES = ("admin:",)  # the admin has its own permission system, tested in test_audit/test_accounts


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from _walk(pattern.url_patterns, prefix + namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


def all_url_names() -> dict[str, URLPattern]:
    return {name: p for name, p in _walk(get_resolver().url_patterns) if not name.startswith(SKIP_PREFIXES)}


# The pages that perform a transition of a definition: one source for their rows, the definitions. Those of the
# bases are probed state by state below; those of other programmes are refused to everybody with this world's
# objects (which follow the bases), and walked state by state by the programme's own matrix.
TRANSITION_URLS = matrix.url_names()
OWN_TRANSITION_URLS = matrix.url_names("bases")
OTHER_PROGRAMMES = TRANSITION_URLS - OWN_TRANSITION_URLS


def test_every_url_is_in_the_table():
    missing = sorted(set(all_url_names()) - set(ACCESS) - TRANSITION_URLS)
    assert missing == [], f"URLs without an access rule: {missing}"
    stale = sorted((set(ACCESS) | TRANSITION_URLS) - set(all_url_names()))
    assert stale == [], f"rules for URLs that no longer exist: {stale}"
    twice = sorted(set(ACCESS) & TRANSITION_URLS)
    assert twice == [], f"transition URLs (their rows come from the definitions) also in ACCESS: {twice}"


@pytest.fixture
def world(gd_call, user_named, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    """One Guangzhou application taken through every stage the URLs serve."""
    from django.utils import timezone

    u = user_named
    park_user, city, officer = u("park_huangpu"), u("city_gz"), u("gd_officer")
    application = application_services.start_application(call=gd_call, park=park_user.memberships.get().organization,
                                                         user=park_user)
    fill_completely(application, park_user)
    checklist = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}
    with django_capture_on_commit_callbacks(execute=True):
        application_services.submit_application(application=application, user=park_user)
        review_services.decide(application=application, version_number=1, user=city, decision="return",
                               checklist=checklist, reasons="补充材料")
        application_services.submit_application(application=application, user=park_user)
        review_services.decide(application=application, version_number=2, user=city, decision="approve",
                               checklist=checklist)
        for name in ("gz_cac", "gz_miit"):
            review_services.co_review(application=application, user=u(name), stance="concur", opinion="同意")
        review_services.save_recommendation(call=gd_call, user=city, application_ids=[application.pk])
        recommendation = review_services.send_recommendation(call=gd_call, user=city,
                                                             letter_number="穗商务函〔2026〕9号")
        review_services.formal_check(application=application, user=officer, decision="pass")
        li = ExpertProfile.objects.create(user=u("expert_li"), employer=u("expert_li").memberships.get().organization)
        chen = ExpertProfile.objects.create(user=u("expert_chen"),
                                            employer=u("expert_chen").memberships.get().organization)
        review_services.ensure_default_rubric(gd_call)
        assignment = review_services.assign_manually(application=application, experts=[li], user=officer)[0]
        review_services.confirm_no_conflict(assignment=assignment, user=li.user)
        review_services.save_sheet(assignment=assignment, user=li.user, comment="",
                                   scores={str(c.pk): "5" for c in gd_call.rubric.all()}, submit=True)
        panel = Panel.objects.create(call=gd_call, name="第一组", leader=li)
        panel.members.set([li, chen])
        Conflict.objects.create(expert=chen, application=application, kind="same_city")
        candidate_list = CandidateList.objects.create(call=gd_call, status="concurred")
        CandidateItem.objects.create(candidate_list=candidate_list, application=application, rank=1)
        version = application.versions.get(number=2)
        for fmt in ("docx", "pdf"):
            application_services.request_export(version=version, fmt=fmt, user=park_user)
        notice = publicity_services.draft_notice(call=gd_call, user=officer)
        notice = publicity_services.update_notice(notice=notice, user=officer, base_revision=notice.revision, fields={
            "contact_phone": "020-38819191", "contact_email": "fw@gd.example.gov.cn", "contact_address": "广州市"})
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
        notice = publicity_services.publish_notice(notice=notice, user=officer, publication_date=date(2026, 12, 24))
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI))
        evidence = SimpleUploadedFile("证据.pdf", demo_data._pdf("proof"), content_type="application/pdf")
        objection = publicity_services.submit_objection(
            notice=notice, item=notice.items.get(), files=[evidence],
            values={"name": "张明", "organization": "", "id_number": "11010519491231002X", "phone": "13800138000",
                    "email": "z@example.com", "facts": "申报的出口额与统计报表不一致，请核查。"})
        base = DesignatedBase.objects.create(
            name="广州开发区（黄埔区）数字经济产业园", park=park_user.memberships.get().organization,
            organiser=gd_call.organiser, province="广东省", city="广州市", level="provincial", batch="第一批",
            year=2024)
        status_change = base_services.change_base_status(
            base=base, status="rectification", user=officer, document_number="粤商务服字〔2026〕30号",
            document_date=date(2026, 12, 24), deadline=date(2027, 3, 31), reason="复审不合格。",
            document_file=SimpleUploadedFile("决定.pdf", demo_data._pdf("decision"), content_type="application/pdf"))
        base_services.open_reporting_period(organiser=gd_call.organiser, year=2025, deadline=date(2027, 1, 31),
                                            user=officer)
        report = AnnualReport.objects.get(base=base)
        base_services.save_report(report=report, user=park_user, values=FIGURES, narrative=NARRATIVE,
                                  base_revision=0)
        report_evidence = base_services.add_report_evidence(
            report=report, user=park_user,
            uploaded_file=SimpleUploadedFile("统计.pdf", demo_data._pdf("stats"), content_type="application/pdf"))
        base_services.submit_report(report=report, user=park_user)
    assert DossierExport.objects.filter(status="ready").count() == 2
    application.refresh_from_db()
    rereview_round = _rereview_round(officer, park_user.memberships.get().organization)
    return {
        "rereview_round": rereview_round.pk, "rereview_item": rereview_round.items.get().pk,
        "application": application.pk, "call": gd_call.pk, "recommendation": recommendation.pk,
        "assignment": assignment.pk, "sheet": ScoreSheet.objects.get().pk, "conflict": Conflict.objects.get().pk,
        "notice": notice.pk, "objection": objection.pk, "objection_file": objection.files.get().pk,
        "attachment": Attachment.objects.filter(application=application).first().pk,
        "tracking_code": objection.tracking_code, "user": u("expert_li").pk,
        "membership": u("expert_li").memberships.get().pk, "organization": park_user.memberships.get().organization_id,
        "workday": WorkdayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦").pk,
        "base": base.pk, "status_change": status_change.pk, "report": report.pk, "report_evidence": report_evidence.pk,
    }


def _rereview_round(officer, park):
    """A re-review round of the park's base (designated years ago), started through the service."""
    from django.utils import timezone

    from publicity.models import DesignatedBase
    from rereview import services as rereview_services

    organiser = officer.memberships.get().organization
    today = timezone.localdate()
    base = DesignatedBase.objects.create(name="广州开发区数字服务出口基地", province="广东省", city="广州市",
                                         level="provincial", batch="第一批", year=today.year - 4, park=park,
                                         organiser=organiser)
    return rereview_services.start_round(user=officer, organiser=organiser, title="基地复审",
                                         document_number="粤商务服函〔2026〕88号", reference_date=today,
                                         period_from=today.year - 2, period_to=today.year - 1, base_ids=[base.pk])


PK_BY_PREFIX = {
    "rereview:": "rereview_round", "rereview:item": "rereview_item", "rereview:outcome": "rereview_item",
    "applications:": "application", "review:recommendation": "recommendation", "review:letter": "recommendation",
    "review:task": "assignment", "review:sheet": "sheet", "review:conflict": "conflict",
    "review:": "application", "publicity:objection": "objection", "publicity:": "notice", "publicapi:": "notice",
    "system:user": "user", "system:membership": "membership", "system:membership-add": "user",
    "system:organization": "organization",
    "system:workday": "workday",
    "funds:": "application",
    "bases:base": "base", "bases:change-status": "base", "bases:status-document": "status_change",
    "monitoring:base": "base",
    "bases:": "report", "bases:evidence": "report_evidence", "bases:remove-evidence": "report_evidence",
}


def _kwargs(name: str, pattern: URLPattern, world: dict) -> dict:
    values = {"call_pk": world["call"], "key": "cover", "number": 2, "fmt": "pdf", "attachment_pk": world["attachment"],
              "file_pk": world["objection_file"], "code": world["tracking_code"], "user_pk": world["user"],
              "uidb64": "MQ", "token": "set-password", "event": "application.submitted",
              "slug": "park", "name": "guide-park-01-start.png", "document_pk": 1, "year": 2027}
    kwargs = {}
    for converter in pattern.pattern.converters:
        if converter == "pk":
            if name.startswith("applications:call"):
                kwargs["pk"] = world["call"]
                continue
            key = next(k for k in sorted(PK_BY_PREFIX, key=len, reverse=True) if name.startswith(k))
            kwargs["pk"] = world[PK_BY_PREFIX[key]]
        else:
            kwargs[converter] = values[converter]
    if name == "switch-language":
        kwargs = {"code": "en"}
    return kwargs


def _client(role: str) -> Client:
    from portal.accounts.models import User

    client = Client(raise_request_exception=True)
    if role != "anonymous":
        user = User.objects.get(username=role)
        client.force_login(user)
    if role == "sysadmin":  # resetting a device needs a session verified with the second factor
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _new = StaticDevice.objects.get_or_create(user=user, name="matrix", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def test_every_role_on_every_url(world, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    urls = all_url_names()
    failures = []
    for role in ROLES:
        client = _client(role)
        for name, pattern in sorted(urls.items()):
            if name in OWN_TRANSITION_URLS:  # state by state: test_every_role_on_every_transition_url
                continue
            # another programme's step, tried (POST: some are buttons that have no page) on this world's objects
            method, allowed = ("post", NOBODY) if name in OTHER_PROGRAMMES else ACCESS[name]
            url = reverse(name, kwargs=_kwargs(name, pattern, world))
            probe = _client(role) if name == "logout" else client  # signing out must not end the walk
            with transaction.atomic():
                response = getattr(probe, method)(url)
                transaction.set_rollback(True)
            status = response.status_code
            to_login = status == 302 and response["Location"].startswith(reverse("login"))
            refused = status in (403, 404) or to_login
            assert status < 500, (role, name, status)
            if role in allowed and refused:
                failures.append(f"{role} refused on {name} ({method.upper()} {url}: {status})")
            if role not in allowed and not refused:
                failures.append(f"{role} NOT refused on {name} ({method.upper()} {url}: {status})")
            if role == "anonymous" and role not in allowed and status == 302:
                assert to_login, (name, response["Location"])
    assert failures == [], "\n".join(failures)
    assert Objection.objects.count() == 1 and Assignment.objects.count() == 1


# --- the transition URLs, state by state ---------------------------------------------------------------

@dataclass(frozen=True)
class Situation:
    """A state a test world puts an object into: ``setup()`` takes the object there through the services and
    returns it; ``closed`` names the guards of the definitions that do not hold there."""

    state: str
    setup: Callable
    closed: frozenset[str] = frozenset()
    label: str = ""

    def allows(self, row: matrix.Row) -> bool:
        """Is the row's step possible here: from a source state, every guard holding?"""
        return self.state in row.source and not set(row.guards) & self.closed


def _refused(response) -> bool:
    status = response.status_code
    return status in (403, 404) or (status == 302 and response["Location"].startswith(reverse("login")))


def _probe(client, method: str, url: str, obj, data=None):
    """One request in a transaction rolled back; the response and the object's state just after it."""
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        state = state_of(type(obj)._default_manager.get(pk=obj.pk))
        transaction.set_rollback(True)
    assert response.status_code < 500, (method, url, response.status_code)
    return response, state


def probe_transition_rows(*, programme: str, roles: list[str], holders: dict[str, set[str]],
                          situations: dict[str, list[Situation]], step_data: Callable) -> list[str]:
    """Every row of the programme's transition URLs (portal.workflow.matrix) × every situation of its object ×
    every role, against ``holders`` (permission → the roles holding it on the world's objects in a source state).
    Returns the failures.

    POST (the step, with ``step_data(row, obj)``): where the step is possible, the holders of its permission
    perform it (the object reaches the target) and the others are refused (403/404, or sent to sign in);
    elsewhere nobody performs it: refused, or answered without it (a redirect or the form again: 302, 400, 409)
    and the state unchanged.
    GET (the page): the roles holding no permission of its rows are refused in every state; the holders are
    served (200) where one of its steps is possible. A step performed by a button elsewhere (its URL answers
    GET with 405 to everybody signed in) has no page to probe.
    """
    failures = []
    pages = matrix.pages(programme)
    for (_programme, object_key, url_name), page in pages.items():
        reached = {case.state for case in situations.get(object_key, [])}
        for row in page:
            if row.permission not in holders:
                failures.append(f"no holders for {row.permission} ({object_key}.{row.transition})")
            if not row.source <= reached or not reached - row.source:
                failures.append(f"{object_key}.{row.transition} ({url_name}): the world reaches {sorted(reached)}, "
                                f"not every source state {sorted(row.source)} and one outside")
    if failures:
        return failures
    clients = {role: _client(role) for role in roles}
    for object_key, cases in situations.items():
        for case in cases:
            with transaction.atomic():
                obj = case.setup()
                assert state_of(obj) == case.state, (object_key, case.label, state_of(obj))
                where = f"{object_key} {case.label or case.state}"
                for (_programme, key, _url), page in pages.items():
                    if key == object_key:
                        failures += _probe_page(page, case, obj, clients, holders, step_data, where)
                transaction.set_rollback(True)
    return failures


def _probe_page(page, case, obj, clients, holders, step_data, where) -> list[str]:
    failures = []
    url = page[0].url_for(obj)
    readers = set().union(*(holders[row.permission] for row in page))
    open_here = any(case.allows(row) for row in page)
    pages = {role: _probe(client, "get", url, obj)[0] for role, client in clients.items()}
    # a button, not a page: GET is not allowed to anybody signed in (the signed-out are sent to sign in first)
    post_only = all(r.status_code == 405 or (r.status_code == 302 and _refused(r)) for r in pages.values()) \
        and any(r.status_code == 405 for r in pages.values())
    for role, response in pages.items():
        if post_only:
            break
        if role not in readers and not _refused(response):
            failures.append(f"{where}: {role} NOT refused the page {url} ({response.status_code})")
        if role in readers and open_here and response.status_code != 200:
            failures.append(f"{where}: {role} not served the page {url} ({response.status_code})")
    for row in page:
        for role, client in clients.items():
            response, state = _probe(client, "post", url, obj, step_data(row, obj))
            status, step = response.status_code, f"{row.transition} ({url}: {response.status_code}, now {state})"
            if case.allows(row) and role in holders[row.permission]:
                if state != row.target:
                    failures.append(f"{where}: {role} could not {step}")
            elif role not in holders[row.permission]:
                if not _refused(response) or state != case.state:
                    failures.append(f"{where}: {role} NOT refused {step}")
            elif state != case.state or not (_refused(response) or status in (302, 400, 409)):
                failures.append(f"{where}: {role} NOT stopped outside the source {sorted(row.source)}: {step}")
    return failures


# who holds each permission of the bases' transition URLs on the park's application, in a source state
HOLDERS = {"applications.submit_application": {"park_huangpu"}, "review.review_application": {"city_gz"}}
DECISION_OF = {"approve": "approve", "return_for_revision": "return", "reject": "reject"}


@pytest.fixture
def application_states(gd_call, user_named):  # noqa: F811
    """The park's application taken through the services into each state of its flow."""
    from django.utils import timezone

    from applications.models import Application

    u = user_named
    park_user, city, officer = u("park_huangpu"), u("city_gz"), u("gd_officer")
    application = application_services.start_application(call=gd_call, park=park_user.memberships.get().organization,
                                                         user=park_user)
    fill_completely(application, park_user)
    checklist = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, len(gd_call.basic_conditions) + 1)}

    def fresh():
        return Application.objects.get(pk=application.pk)

    def submitted():
        application_services.submit_application(application=application, user=park_user)
        return fresh()

    def decided(decision):
        def setup():
            review_services.decide(application=submitted(), version_number=1, user=city, decision=decision,
                                   checklist=checklist, reasons="补充材料")
            return fresh()
        return setup

    def recommended():
        decided("approve")()
        for name in ("gz_cac", "gz_miit"):
            review_services.co_review(application=application, user=u(name), stance="concur", opinion="同意")
        review_services.save_recommendation(call=gd_call, user=city, application_ids=[application.pk])
        review_services.send_recommendation(call=gd_call, user=city, letter_number="穗商务函〔2026〕9号")
        return fresh()

    def formally_checked(decision):
        def setup():
            review_services.formal_check(application=recommended(), user=officer, decision=decision,
                                         reason="佐证材料不清晰。", resend_deadline=timezone.now() + timedelta(days=7))
            return fresh()
        return setup

    return [
        Situation("draft", fresh), Situation("submitted", submitted), Situation("returned", decided("return")),
        Situation("rejected", decided("reject")),
        Situation("approved", decided("approve"), closed=frozenset({"review.open_formal_return_if_approved"}),
                  label="approved (not returned at the formal check)"),
        Situation("recommended", recommended), Situation("formal_passed", formally_checked("pass")),
        Situation("approved", formally_checked("return"), label="approved, returned at the formal check"),
    ]


def _bases_step(row: matrix.Row, application) -> dict:
    """The form that performs the row's step on the application."""
    if row.transition == "submit":
        return {"justification": "", "confirm": "on"}
    return {"version": application.latest_version_number, "decision": DECISION_OF[row.transition],
            "reasons": "补充材料", "opinion": "",
            **{f"c{i}_status": "met" for i in range(1, len(application.call.basic_conditions) + 1)}}


def test_every_role_on_every_transition_url(application_states):
    failures = probe_transition_rows(programme="bases", roles=ROLES, holders=HOLDERS,
                                     situations={"application": application_states}, step_data=_bases_step)
    assert failures == [], "\n".join(failures)
