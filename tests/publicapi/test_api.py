"""The open-data API (/api/v1/): its schema, the public fields only, paging, filters, bad parameters, the
cache and its invalidation, the rate limit and the query budget."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications import demo as demo_data
from applications import services as application_services
from applications.models import Call
from publicapi import schemas
from publicity import services
from publicity.models import DesignatedBase, Notice
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.bases.conftest import make_base, pdf
from tests.publicity.test_publicity import candidates, draft, frozen, officer, published  # noqa: F401
from tests.test_query_budgets import CEILING, _assert_constant

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "11010519491231002X"


def get(url: str, client=None, **headers):
    response = (client or Client()).get(url, **headers)
    return response, json.loads(response.content)


def _objection(notice):
    evidence = SimpleUploadedFile("证据.pdf", demo_data._pdf("proof"), content_type="application/pdf")
    return services.submit_objection(
        notice=notice, item=notice.items.first(), files=[evidence], ip="203.0.113.77",
        values={"name": "张明", "organization": "明察咨询有限公司", "id_number": ID_NUMBER, "phone": "13800138000",
                "email": "zhang.objector@example.com", "facts": "申报的出口额与统计报表不一致，请核查。"})


def _bases(n: int, **values):
    start = DesignatedBase.objects.count()
    fields = {"province": "广东省", "city": "广州市", "level": "provincial", "batch": "第一批", "year": 2026,
              **values}
    DesignatedBase.objects.bulk_create([DesignatedBase(name=f"基地{start + i:04d}", **fields) for i in range(n)])


# --- the schema ----------------------------------------------------------------------------------

def test_the_openapi_schema_is_valid_and_describes_every_endpoint(db):
    from openapi_spec_validator import validate

    response, schema = get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(schema)  # raises on an invalid OpenAPI 3.1 document
    assert set(schema["paths"]) == {"/api/v1/calls", "/api/v1/notices", "/api/v1/notices/{pk}", "/api/v1/bases"}
    assert all(set(methods) == {"get"} for methods in schema["paths"].values())  # read-only
    components = schema["components"]["schemas"]
    for name in ("CallOut", "CallPage", "NoticeOut", "NoticeDetailOut", "NoticePage", "BaseOut", "BasePage", "Error"):
        assert name in components, name
    bases = schema["paths"]["/api/v1/bases"]["get"]
    assert {p["name"] for p in bases["parameters"]} == {"page", "page_size", "level", "province", "city", "year",
                                                  "status"}
    assert {"200", "400", "404"} <= set(bases["responses"])
    page_size = next(p for p in bases["parameters"] if p["name"] == "page_size")["schema"]
    assert page_size["maximum"] == 100 and page_size["minimum"] == 1
    # No private field is even described.
    text = json.dumps(components)
    for private in ("objection", "tracking_code", "ip_address", "id_number", "withdrawn_by", "published_by"):
        assert private not in text, private


def test_the_docs_page_is_served_from_vendored_files(db):
    response = Client().get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/api/v1/openapi.json" in page
    assert "cdn" not in page.lower() and "<script>" not in page  # no CDN, no inline script under the CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]


# --- calls ---------------------------------------------------------------------------------------

def test_calls_show_public_calls_with_their_documents_never_drafts(gd_call, user_named, officer):  # noqa: F811
    gd_call.documents.all().delete()
    application_services.add_call_document(
        call=gd_call, user=officer, kind="guide", title="申报材料编制指南",
        uploaded_file=SimpleUploadedFile("编制指南.pdf", demo_data._pdf("guide"), content_type="application/pdf"))
    draft_call = Call.objects.create(**{f.name: getattr(gd_call, f.name) for f in Call._meta.concrete_fields
                                        if f.name not in ("id", "status", "created_at", "updated_at")})
    draft_call.title = "尚未发布的草稿批次"
    draft_call.save()
    response, body = get("/api/v1/calls")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    schemas.CallPage.model_validate(body)  # the answer is what the schema says
    assert "尚未发布的草稿批次" not in response.content.decode()
    assert body["count"] == Call.objects.exclude(status="draft").count() == 2
    first = next(c for c in body["results"] if c["id"] == gd_call.pk)
    assert first["title"] == gd_call.title and first["document_number"] == "粤商务服函〔2022〕122号"
    assert first["status"] == "open" and first["status_display"] == "受理中" and first["quota_per_unit"] == 5
    assert first["organiser"] == "广东省商务厅" and first["province"] == "广东省"
    (document,) = first["documents"]
    assert document["title"] == "申报材料编制指南" and document["kind"] == "guide"
    assert Client().get(document["url"]).status_code == 200  # the public download
    assert {c["level"] for c in get("/api/v1/calls?level=national")[1]["results"]} == {"national"}
    assert get("/api/v1/calls?status=closed")[1]["count"] == 1


# --- notices -------------------------------------------------------------------------------------

def test_notices_show_what_the_notice_page_shows_and_no_objector(published, officer, frozen):  # noqa: F811
    frozen(datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI))
    objection = _objection(published)
    response, body = get("/api/v1/notices")
    schemas.NoticePage.model_validate(body)
    (notice,) = body["results"]
    assert notice["id"] == published.pk and notice["status"] == "published" and notice["withdrawal"] is None
    assert notice["publication_date"] == "2026-12-24" and notice["window_end"] == published.window_end.isoformat()
    assert [c["park"] for c in notice["candidates"]] == list(published.items.values_list("park_name", flat=True))
    assert notice["contact"]["phone"] == "020-38819191"
    assert notice["url"] == f"/publicity/{published.pk}/"
    assert notice["pdf_url"] == f"/publicity/{published.pk}/notice.pdf"
    detail_response, detail = get(f"/api/v1/notices/{published.pk}")
    schemas.NoticeDetailOut.model_validate(detail)
    assert detail["body"] == published.body
    for content in (response.content.decode(), detail_response.content.decode()):
        for private in ("张明", "明察咨询", ID_NUMBER, "13800138000", "zhang.objector@example.com", "203.0.113.77",
                        objection.tracking_code, "申报的出口额与统计报表不一致", "gd_officer"):
            assert private not in content, private


def test_drafts_are_not_notices(draft):  # noqa: F811
    assert get("/api/v1/notices")[1]["count"] == 0
    response, body = get(f"/api/v1/notices/{draft.pk}")
    assert response.status_code == 404 and body["detail"] == "没有此编号的公示。"


def test_a_notice_is_closed_by_time_and_a_withdrawn_one_shows_its_reason(published, officer, frozen,  # noqa: F811
                                                                         django_capture_on_commit_callbacks):
    frozen(datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI))  # after the window; the beat task has not run
    assert Notice.objects.get().status == "published"
    assert [n["status"] for n in get("/api/v1/notices")[1]["results"]] == ["closed"]
    assert get("/api/v1/notices?status=closed")[1]["count"] == 1
    assert get("/api/v1/notices?status=published")[1]["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_notice(notice=published, user=officer, reason="候选名单需重新核实")
    body = get(f"/api/v1/notices/{published.pk}")[1]
    assert body["status"] == "withdrawn" and body["withdrawal"]["reason"] == "候选名单需重新核实"
    assert len(body["candidates"]) == 3  # the list as it was published, as on the notice's page
    assert get("/api/v1/notices?status=withdrawn")[1]["count"] == 1


# --- bases ---------------------------------------------------------------------------------------

def test_bases_fields_filters_and_stable_paging(db):
    _bases(5, level="national", province="北京市", city="北京市", year=2020, batch="第一批",
           document_number="商服贸函〔2020〕89号")
    _bases(7, year=2026)
    _bases(3, city="深圳市", year=2026)
    body = get("/api/v1/bases?page_size=4")[1]
    schemas.BasePage.model_validate(body)
    assert (body["count"], body["pages"], body["page_size"]) == (15, 4, 4)
    pages = [get(f"/api/v1/bases?page_size=4&page={n}")[1]["results"] for n in range(1, 5)]
    ids = [b["id"] for page in pages for b in page]
    assert len(ids) == len(set(ids)) == 15  # every base once, in a stable order
    assert ids == [b["id"] for b in get("/api/v1/bases?page_size=100")[1]["results"]]
    assert pages[0][0]["year"] == 2026 and pages[-1][-1]["year"] == 2020  # newest year first
    national = get("/api/v1/bases?level=national")[1]
    first = national["results"][0]
    assert national["count"] == 5 and first == {
        "id": first["id"], "name": first["name"], "level": "national",
        "level_display": "国家级", "batch": "第一批", "year": 2020, "province": "北京市", "city": "北京市",
        "document_number": "商服贸函〔2020〕89号", "document_url": None,
        "status": "active", "status_display": "在册", "status_deadline": None,
        "status_document_number": "商服贸函〔2020〕89号", "status_document_date": None, "status_history": [],
        "url": f"/bases/{first['id']}/"}
    assert get("/api/v1/bases?city=深圳市")[1]["count"] == 3
    assert get("/api/v1/bases?province=广东省&year=2026")[1]["count"] == 10
    assert get("/api/v1/bases?year=2019")[1]["count"] == 0


@pytest.mark.parametrize(("query", "parameter", "message"), [
    ("page=0", "page", "页码"), ("page=abc", "page", "页码"), ("page_size=101", "page_size", "1 至 100"),
    ("page_size=0", "page_size", "1 至 100"), ("level=city", "level", "level"), ("year=20x6", "year", "年份"),
    ("province=" + "省" * 41, "province", "40"), ("pagesize=10", "pagesize", "未知参数"),
])
def test_bad_parameters_are_a_400_with_a_clear_message(db, query, parameter, message):
    response, body = get(f"/api/v1/bases?{query}")
    assert response.status_code == 400
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert message in body["detail"] and message in body["errors"][0]["message"]


def test_messages_follow_the_request_language_and_a_page_past_the_end_is_a_404(db):
    _bases(3)
    response, body = get("/api/v1/bases?page_size=0", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and body["detail"] == "page_size must be a whole number from 1 to 100."
    response, body = get("/api/v1/bases?page=2")
    assert response.status_code == 404 and body["detail"] == "第 2 页不存在，最后一页是第 1 页。"
    response, body = get("/api/v1/notices/abc")
    assert response.status_code == 400 and body["errors"][0]["parameter"] == "pk"


def test_bases_show_their_status_and_the_document_that_decided_it(user_named, officer,  # noqa: F811
                                                                    django_capture_on_commit_callbacks):
    from bases.services import change_base_status

    base = make_base()
    other = make_base(name="另一基地", year=2022)
    assert get("/api/v1/bases?status=active")[1]["count"] == 2  # cached now; the decision must show at once
    with django_capture_on_commit_callbacks(execute=True):
        change_base_status(base=base, status="rectification", user=officer, document_number="粤商务服函〔2026〕301号",
                           document_date=date(2026, 11, 20), deadline=date(2027, 5, 31), document_file=pdf(),
                           reason="年度建设进展报告逾期未报送，统计监测体系运行不正常。")
    response, body = get("/api/v1/bases?status=rectification")
    schemas.BasePage.model_validate(body)
    (shown,) = body["results"]
    assert shown["id"] == base.pk and shown["status"] == "rectification" and shown["status_display"] == "限期整改"
    assert shown["status_deadline"] == "2027-05-31"
    assert (shown["status_document_number"], shown["status_document_date"]) == ("粤商务服函〔2026〕301号", "2026-11-20")
    assert shown["status_history"] == [{
        "from_status": "active", "to_status": "rectification", "to_status_display": "限期整改",
        "deadline": "2027-05-31", "document_number": "粤商务服函〔2026〕301号", "document_date": "2026-11-20",
        "reason": "年度建设进展报告逾期未报送，统计监测体系运行不正常。"}]
    for private in ("gd_officer", officer.full_name, "sha256", "document_file", "决定.pdf", "decided_by"):
        assert private not in response.content.decode(), private
    with django_capture_on_commit_callbacks(execute=True):
        change_base_status(base=other, status="revoked", user=officer, document_number="粤商务服函〔2026〕302号",
                           document_date=date(2026, 11, 25), reason="复审不合格。")
    revoked = get("/api/v1/bases?status=revoked")[1]["results"]
    assert [b["id"] for b in revoked] == [other.pk] and revoked[0]["status_deadline"] is None  # still listed
    assert get("/api/v1/bases")[1]["count"] == 2


# --- cache, limits, queries ----------------------------------------------------------------------

def test_a_cached_answer_costs_no_query_and_a_public_change_shows_at_once(published, officer, frozen,  # noqa: F811
                                                                          django_capture_on_commit_callbacks):
    frozen(datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI))
    url = f"/api/v1/notices/{published.pk}"
    first = Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(url)
        listing_queries = len(queries)
    assert again.content == first.content and listing_queries == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_notice(notice=published, user=officer, reason="统计数据有误")
    with CaptureQueriesContext(connection) as queries:
        changed = json.loads(Client().get(url).content)
    assert changed["status"] == "withdrawn" and len(queries) > 0


def test_a_call_edited_by_its_organiser_is_not_served_stale(gd_call, officer, django_capture_on_commit_callbacks):  # noqa: F811
    assert get("/api/v1/calls")[1]["results"][0]["title"] == gd_call.title
    gd_call.title = "第二批广东省数字服务出口基地申报（更正）"
    thresholds = [{k: getattr(t, k) for k in ("region_class", "total_output", "ict_output", "ict_exports",
                                               "digital_enterprises")} for t in gd_call.thresholds.all()]
    with django_capture_on_commit_callbacks(execute=True):
        application_services.save_call(user=officer, call=gd_call, thresholds=thresholds)
    titles = [c["title"] for c in get("/api/v1/calls")[1]["results"]]
    assert "第二批广东省数字服务出口基地申报（更正）" in titles


def test_one_address_is_limited(db, settings, frozen):  # noqa: F811
    frozen(datetime(2026, 12, 24, 10, 0, 30, tzinfo=SHANGHAI))  # one window of the counter
    settings.PUBLIC_API_LIMIT_PER_MINUTE = 3
    for _ in range(3):  # the same address, served from the cache after the first: counted all the same
        assert Client().get("/api/v1/bases").status_code == 200
    response, body = get("/api/v1/bases")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "请求过于频繁" in body["detail"]
    assert Client(REMOTE_ADDR="198.51.100.9").get("/api/v1/bases").status_code == 200  # another address


def test_bases_in_constant_queries(officer):  # noqa: F811
    from bases.models import BaseStatusChange

    def grow(n):
        _bases(n)
        decided = DesignatedBase.objects.order_by("-pk")[: n // 2]
        BaseStatusChange.objects.bulk_create([
            BaseStatusChange(base=b, from_status="active", to_status="revoked", document_number="粤商务服函〔2026〕9号",
                             document_date=date(2026, 11, 2), reason="复审不合格。", decided_by=officer)
            for b in decided])

    _assert_constant(Client(), "/api/v1/bases?page_size=100&status=active", grow,
                     rows=lambda r: json.loads(r.content)["count"])
    _assert_constant(Client(), "/api/v1/bases?page_size=100", lambda n: _bases(n),
                     rows=lambda r: json.loads(r.content)["count"])
    _assert_constant(Client(), "/api/v1/bases?page_size=100&province=广东省&year=2026", lambda n: _bases(n),
                     rows=lambda r: json.loads(r.content)["count"])


def test_notices_in_constant_queries(gd_call):  # noqa: F811
    def more(n):
        Notice.objects.bulk_create([Notice(call=gd_call, title=f"公示{i}", body="正文", contact_phone="1",
                                           contact_email="a@b.cn", contact_address="x", status="closed",
                                           publication_date=date(2025, 1, 2), window_end=date(2025, 1, 8))
                                    for i in range(n)])

    _assert_constant(Client(), "/api/v1/notices?page_size=100", more, rows=lambda r: json.loads(r.content)["count"])
    assert CEILING >= 3
