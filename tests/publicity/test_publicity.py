"""Public notice, objections and designation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import demo as demo_data
from portal.audit.models import AuditEvent
from portal.workdays.models import WorkdayOverride
from publicity import services
from publicity.models import DesignatedBase, Designation, Notice, Objection
from review.models import CandidateItem, CandidateList
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def officer(user_named):
    return user_named("gd_officer")


@pytest.fixture
def candidates(gd_call, user_named):  # noqa: F811
    applications = bulk_applications(gd_call, extra_parks("440600", 3, "候选园区"), "formal_passed",
                                     user_named("park_huangpu"))
    candidate_list = CandidateList.objects.create(call=gd_call, status="concurred")
    for rank, application in enumerate(applications, start=1):
        CandidateItem.objects.create(candidate_list=candidate_list, application=application, rank=rank)
    return applications


@pytest.fixture
def draft(gd_call, candidates, officer):  # noqa: F811
    notice = services.draft_notice(call=gd_call, user=officer)
    return services.update_notice(notice=notice, user=officer, base_revision=notice.revision, fields={
        "contact_phone": "020-38819191", "contact_email": "fwmy@gd.example.gov.cn",
        "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）"})


def test_publishing_needs_where_objections_go(gd_call, candidates, officer):  # noqa: F811
    notice = services.draft_notice(call=gd_call, user=officer)
    with pytest.raises(ValidationError) as exc:
        services.publish_notice(notice=notice, user=officer, publication_date=timezone.localdate())
    assert exc.value.code == "contacts"


@pytest.fixture
def frozen(monkeypatch):
    def freeze(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def published(draft, officer, frozen):
    frozen(datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    return services.publish_notice(notice=draft, user=officer, publication_date=date(2026, 12, 24))


def _objection_data(notice, **overrides):
    data = {"item": notice.items.first().pk, "name": "张明", "organization": "", "id_number": ID_NUMBER,
            "phone": "13800138000", "email": "zhang@example.com",
            "facts": "该园区申报的数字服务出口额与统计报表不一致，存在虚报情况，请予核查。"}
    data.update(overrides)
    return data


# --- the window ----------------------------------------------------------------------------------

def test_the_window_is_five_working_days_and_ends_at_midnight(published):
    # 2026-12-24 Thu, 25 Fri, 28 Mon, 29 Tue, 30 Wed (the weekend 26–27 is not counted).
    assert published.window_end == date(2026, 12, 30)
    assert timezone.localtime(published.closes_at) == datetime(2026, 12, 30, 23, 59, 59, tzinfo=SHANGHAI)
    page = Client().get(reverse("publicity:notice", args=[published.pk])).content.decode()
    assert "公示期：2026年12月24日至2026年12月30日" in page


def test_a_window_into_an_unknown_year_is_refused_with_the_year_named(draft, officer, frozen):
    frozen(datetime(2026, 12, 27, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ValidationError) as exc:
        services.publish_notice(notice=draft, user=officer, publication_date=date(2026, 12, 28))
    assert "2027" in exc.value.messages[0]
    assert Notice.objects.get(pk=draft.pk).status == "draft"
    # A single override for next year's New Year holiday does not make 2027 known.
    WorkdayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦")
    with pytest.raises(ValidationError) as exc:
        services.publish_notice(notice=draft, user=officer, publication_date=date(2026, 12, 28))
    assert "2027" in exc.value.messages[0] and "尚未确认完整" in exc.value.messages[0]
    # The officer enters the State Council's notice for 2027 and declares it complete: now the window is known.
    from portal.workdays.services import declare_year_complete, save_calendar_year

    save_calendar_year(year=2027, user=officer, notice_number="国办发明电〔2026〕12号", notice_date=date(2026, 11, 10),
                       holidays=[{"name": "元旦", "first": date(2027, 1, 1), "last": date(2027, 1, 1)}],
                       makeup_days=[])
    declare_year_complete(year=2027, user=officer)
    notice = services.publish_notice(notice=draft, user=officer, publication_date=date(2026, 12, 28))
    assert notice.window_end == date(2027, 1, 4)  # 28, 29, 30, 31 Dec; 1 Jan off; Mon 4 Jan


def test_a_published_notice_cannot_be_edited_only_withdrawn(published, officer):
    with pytest.raises(ValidationError):
        services.update_notice(notice=published, user=officer, fields={"title": "改"}, base_revision=0)
    with pytest.raises(ValidationError):
        services.withdraw_notice(notice=published, user=officer, reason="")
    services.withdraw_notice(notice=published, user=officer, reason="候选名单需重新核实")
    page = Client().get(reverse("publicity:notice", args=[published.pk])).content.decode()
    assert "候选名单需重新核实" in page and 'data-testid="withdrawn"' in page


# --- objections ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "state", "words"), [
    (datetime(2026, 12, 23, 23, 59, tzinfo=SHANGHAI), "before", "2026年12月24日"),
    (datetime(2026, 12, 31, 0, 0, 1, tzinfo=SHANGHAI), "after", "2026年12月30日"),
])
def test_objections_are_refused_outside_the_window(published, frozen, moment, state, words):
    frozen(moment)
    c = Client()
    page = c.get(reverse("publicity:object", args=[published.pk]))
    assert f'data-state="{state}"' in page.content.decode() and words in page.content.decode()
    response = c.post(reverse("publicity:object", args=[published.pk]), _objection_data(published))
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_an_objection_is_stored_with_its_files_and_a_tracking_code(published, frozen, mailoutbox):
    frozen(datetime(2026, 12, 30, 23, 59, 58, tzinfo=SHANGHAI))  # the last second but one
    c = Client()
    evidence = SimpleUploadedFile("统计报表.pdf", demo_data._pdf("evidence-1"), content_type="application/pdf")
    response = c.post(reverse("publicity:object", args=[published.pk]), {**_objection_data(published),
                                                                        "files": [evidence]})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.files.count() == 1 and objection.files.get().original_name == "统计报表.pdf"
    receipt = c.get(response["Location"]).content.decode()
    assert objection.tracking_code in receipt
    # The status page needs the code and the phone number.
    other = Client()
    assert other.get(response["Location"]).status_code == 404
    wrong = other.post(reverse("publicity:objection-status"), {"tracking_code": objection.tracking_code,
                                                              "phone": "13900139000"})
    assert wrong.status_code == 404
    right = other.post(reverse("publicity:objection-status"), {"tracking_code": objection.tracking_code,
                                                              "phone": "13800138000"})
    assert right.status_code == 200 and 'data-testid="status-result"' in right.content.decode()
    assert AuditEvent.objects.filter(verb="objection.received").exists()


@pytest.mark.parametrize(("field", "value"), [
    ("id_number", "110105194912310021"), ("phone", "12345"), ("facts", "不行"), ("name", ""),
    ("email", "not-an-email"),
])
def test_bad_objection_input_keeps_what_was_typed_and_stores_nothing(published, frozen, field, value):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    data = _objection_data(published, **{field: value})
    response = Client().post(reverse("publicity:object", args=[published.pk]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    body = response.content.decode()
    assert "该园区申报的数字服务出口额" in body or field == "facts"
    assert not Objection.objects.exists()


def test_a_credit_code_is_accepted_for_an_organisation(published, frozen):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    data = _objection_data(published, id_number="91350100M000100Y43", organization="某科技有限公司")
    assert Client().post(reverse("publicity:object", args=[published.pk]), data).status_code == 302


def test_a_renamed_executable_as_evidence_is_refused(published, frozen):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    exe = SimpleUploadedFile("证据.pdf", b"MZ" + b"\0" * 100, content_type="application/pdf")
    response = Client().post(reverse("publicity:object", args=[published.pk]),
                             {**_objection_data(published), "files": [exe]})
    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert "该园区申报的数字服务出口额" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_rate_limit_says_when_to_retry(published, frozen, settings):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    settings.OBJECTION_RATE_LIMITS = {**settings.OBJECTION_RATE_LIMITS, "per_phone_per_day": 1}
    c = Client()
    assert c.post(reverse("publicity:object", args=[published.pk]), _objection_data(published)).status_code == 302
    response = c.post(reverse("publicity:object", args=[published.pk]), _objection_data(published))
    assert response.status_code == 429
    assert "分钟" in response.content.decode()
    assert Objection.objects.count() == 1


# --- decisions and designation -------------------------------------------------------------------

def _file(notice, client=None, **overrides):
    client = client or Client()
    response = client.post(reverse("publicity:object", args=[notice.pk]), _objection_data(notice, **overrides))
    assert response.status_code == 302, response.content.decode()[:500]
    return Objection.objects.order_by("-pk").first()


def test_designation_waits_for_the_window_and_every_decision(published, officer, frozen, mailoutbox, user_named,
                                                            django_capture_on_commit_callbacks):
    frozen(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    items = list(published.items.all())
    upheld = _file(published, item=items[0].pk)
    not_upheld = _file(published, item=items[1].pk, phone="13900139000")
    with pytest.raises(ValidationError) as exc:
        services.designate(call=published.call, user=officer, document_number="粤商务服字〔2027〕1号",
                           document_date=date(2027, 1, 8))
    assert exc.value.code == "window_open"
    frozen(datetime(2026, 12, 31, 0, 1, tzinfo=SHANGHAI))
    assert services.close_due_notices() == 1
    with pytest.raises(ValidationError) as exc:
        services.designate(call=published.call, user=officer, document_number="粤商务服字〔2027〕1号",
                           document_date=date(2027, 1, 8))
    assert exc.value.code == "undecided"
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_objection(objection=upheld, user=officer, outcome="upheld",
                                  reply="经核查，该园区申报数据存在问题，异议成立，不予认定。")
        services.decide_objection(objection=not_upheld, user=officer, outcome="not_upheld",
                                  reply="经核查，该园区申报数据真实，异议不成立。")
    assert {m.to[0] for m in mailoutbox} >= {"zhang@example.com"}
    with django_capture_on_commit_callbacks(execute=True):
        designation = services.designate(call=published.call, user=officer, document_number="粤商务服字〔2027〕1号",
                                         document_date=date(2027, 1, 8))
        # Issued jointly: both co-issuing departments countersign (会签) before it is published.
        for name in ("gd_cac", "gd_miit"):
            services.countersign_designation(designation=designation, user=user_named(name))
        designation = services.publish_designation(designation=designation, user=officer)
    names = set(designation.bases.values_list("name", flat=True))
    assert items[0].park_name not in names and {items[1].park_name, items[2].park_name} == names
    directory = Client().get(reverse("bases")).content.decode()
    assert items[1].park_name in directory and items[0].park_name not in directory
    with pytest.raises(ValidationError):
        services.designate(call=published.call, user=officer, document_number="X", document_date=date(2027, 1, 9))
    assert Designation.objects.count() == 1


def test_the_objector_reads_the_reply_on_the_status_page(published, officer, frozen):
    frozen(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    objection = _file(published)
    services.decide_objection(objection=objection, user=officer, outcome="not_upheld",
                              reply="经核查，申报数据与统计报表一致，异议不成立。")
    page = Client().post(reverse("publicity:objection-status"), {"tracking_code": objection.tracking_code.lower(),
                                                                "phone": "138 0013 8000"})
    body = page.content.decode()
    assert "异议不成立。" in body and 'data-testid="outcome"' in body


def test_the_demo_directory_lists_the_twelve_national_bases(client, settings):
    settings.DEBUG = True
    from django.core.management import call_command

    call_command("load_demo")
    assert DesignatedBase.objects.filter(level="national", year=2020).count() == 12
    assert "成都天府软件园" in client.get(reverse("bases")).content.decode()


# --- public caching ------------------------------------------------------------------------------

def test_public_pages_are_cached_and_cleared_when_a_notice_changes(published, officer,
                                                                    django_capture_on_commit_callbacks):
    url = reverse("publicity:notice", args=[published.pk])
    first = Client().get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(url)
    assert len(queries) == 0 and again.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_notice(notice=published, user=officer, reason="需要重新核实候选名单")
    changed = Client().get(url).content.decode()
    assert "需要重新核实候选名单" in changed
    # Home and the list are public too.
    with CaptureQueriesContext(connection) as queries:
        Client().get("/")
        Client().get("/")
    first_count = len(queries)
    with CaptureQueriesContext(connection) as queries:
        Client().get("/")
    assert len(queries) == 0 and first_count >= 0


@pytest.mark.django_db(transaction=True)
def test_two_officers_publishing_at_once_publish_once(draft, user_named, frozen):
    from concurrent.futures import ThreadPoolExecutor

    frozen(datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    officers = [user_named("gd_officer"), user_named("gd_officer2")]

    def publish(user):
        try:
            services.publish_notice(notice=draft, user=user, publication_date=date(2026, 12, 24))
            return "published"
        except ValidationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(publish, officers))
    assert results == ["already_published", "published"]
    assert AuditEvent.objects.filter(verb="notice.published").count() == 1


def test_until_window_end_then_closed_by_the_beat_task(published, frozen):
    frozen(datetime(2026, 12, 30, 23, 59, 59, tzinfo=SHANGHAI))
    assert services.close_due_notices() == 0
    frozen(datetime(2026, 12, 30, 23, 59, 59, tzinfo=SHANGHAI) + timedelta(seconds=1))
    assert services.close_due_notices() == 1
    assert Notice.objects.get(pk=published.pk).status == "closed"
