"""review.exports: the ranking as Excel and PDF, and the template for importing experts."""

from __future__ import annotations

import statistics
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from applications import demo as demo_data
from applications.models import Application, ApplicationVersion
from portal.accounts.models import Organization, User
from review.exports import SheetTitles, expert_template_xlsx, ranking_pdf, ranking_xlsx
from review.imports import TEMPLATE_HEADERS, check_expert_row, read_xlsx
from review.models import Assignment, ExpertProfile, Panel, PanelOpinion, RubricCriterion, ScoreSheet
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.archival import assert_archivable
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db

EXPERTS = ["expert_chen", "expert_li", "expert_zhou", "expert_huang", "expert_xu"]
CRITERIA = [("产业基础", "40"), ("发展潜力", "30"), ("保障措施", "30")]
PAZHOU = "广州人工智能与数字经济试验区琶洲核心片区管理委员会"
HUANGPU = "广州开发区（黄埔区）数字经济产业园管理委员会"
NANSHAN = "深圳市南山软件产业基地管理服务中心"
ZHUHAI = "珠海高新技术产业开发区管理委员会"
# Submitted totals per park, in the order of EXPERTS (None: no sheet). 黄埔 also has a draft of
# expert_xu (99), which counts nowhere; 珠海 has no sheet at all.
TOTALS = {
    NANSHAN: ["88", "86", "84", "82", "40"],
    PAZHOU: ["91", "85", "80", "76", "72"],
    HUANGPU: ["70", "75.5", "80", None, None],
    ZHUHAI: [None] * 5,
}
DRAFT_TOTAL = "99"
XU_NAME = "徐教授[广外]/评审"  # characters Excel refuses in a sheet title
TWO = Decimal("0.01")
OPINION = "专家分歧较大，建议复核。"


def q(value) -> float:
    return float(Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP))


def split(total: str, criteria: list[RubricCriterion]) -> dict[str, str]:
    """Scores of the three criteria that add up to ``total``."""
    t = Decimal(total)
    first = (t * Decimal("0.4")).quantize(Decimal("0.1"))
    second = (t * Decimal("0.3")).quantize(Decimal("0.1"))
    return {str(criteria[0].pk): str(first), str(criteria[1].pk): str(second),
            str(criteria[2].pk): str(t - first - second)}


def make_experts() -> list[ExpertProfile]:
    experts = []
    for username in EXPERTS:
        user = User.objects.get(username=username)
        employer = user.memberships.get(role="expert").organization
        experts.append(ExpertProfile.objects.create(user=user, employer=employer, title="教授",
                                                    region=employer.region))
    return experts


def make_criteria(call) -> list[RubricCriterion]:
    return [RubricCriterion.objects.create(call=call, order=i, name=name, max_points=Decimal(points))
            for i, (name, points) in enumerate(CRITERIA, start=1)]


def apply(call, park: Organization, officer: User) -> tuple[Application, ApplicationVersion]:
    application = Application.objects.create(call=call, park=park, created_by=officer, state="formal_passed",
                                             latest_version_number=1, submitted_at=timezone.now())
    version = ApplicationVersion.objects.create(
        application=application, number=1, data=demo_data.dossier(park, demo_data.HUANGPU), attachments=[],
        eligibility=[], submitted_by=officer, submitted_at=timezone.now())
    return application, version


def score(call, application, version, expert, officer, total: str, criteria, *, status="submitted",
          comment="") -> ScoreSheet:
    assignment = Assignment.objects.create(call=call, application=application, expert=expert, version=version,
                                           method="manual", assigned_by=officer)
    return ScoreSheet.objects.create(assignment=assignment, application=application, version=version,
                                     status=status, scores=split(total, criteria), total=Decimal(total),
                                     comment=comment, submitted_at=timezone.now() if status == "submitted" else None)


@pytest.fixture
def scored(demo, gd_call):  # noqa: F811
    officer = User.objects.get(username="gd_officer")
    User.objects.filter(username="expert_xu").update(full_name=XU_NAME)
    experts = make_experts()
    criteria = make_criteria(gd_call)
    applications = {}
    for name, totals in TOTALS.items():
        application, version = apply(gd_call, Organization.objects.get(name=name), officer)
        applications[name] = application
        for expert, total in zip(experts, totals, strict=True):
            if total is not None:
                comment = "=HYPERLINK(\"http://example.com\")" if (name, expert.user.username) == (
                    NANSHAN, "expert_li") else f"{name[:4]}：材料完整\x0b建议支持"
                score(gd_call, application, version, expert, officer, total, criteria, comment=comment)
        if name == HUANGPU:
            score(gd_call, application, version, experts[-1], officer, DRAFT_TOTAL, criteria, status="draft")
    panel = Panel.objects.create(call=gd_call, name="第一组", leader=experts[0])
    PanelOpinion.objects.create(application=applications[NANSHAN], panel=panel, author=experts[0].user,
                                text=OPINION)
    return {"call": gd_call, "experts": experts, "criteria": criteria, "applications": applications}


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


# --- Excel ---------------------------------------------------------------------------------------

def test_ranking_workbook_has_the_summary_one_sheet_per_expert_and_per_application(scored):
    wb = load_workbook(BytesIO(ranking_xlsx(scored["call"])))
    names = wb.sheetnames
    assert names[0] == "汇总"
    assert len(names) == 1 + len(EXPERTS) + 3  # 珠海 has no score sheet
    assert set(names[1:6]) == {"陈教授", "李教授", "周研究员", "黄教授", "徐教授广外评审"}
    assert sorted(names[6:]) == sorted([NANSHAN, PAZHOU, HUANGPU])
    assert all(len(n) <= 31 for n in names)


def assert_prints(ws, *, number: str, title: str, header_rows: int) -> None:
    """A4 landscape, fitted to the page width, header rows repeated, 文号 and title in the header, page numbers."""
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"$1:${header_rows}"
    assert (ws.oddHeader.left.text or "") == number and ws.oddHeader.right.text == title
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_ranking_workbook_prints_and_has_its_properties(scored):
    call = scored["call"]
    wb = load_workbook(BytesIO(ranking_xlsx(call)))
    title = f"{call.title} 专家评审结果"
    assert_prints(wb["汇总"], number=call.document_number, title=title, header_rows=1)
    assert_prints(wb["陈教授"], number=call.document_number, title=f"{title} · 评审专家：陈教授", header_rows=2)
    assert_prints(wb[PAZHOU], number=call.document_number, title=f"{title} · 园区：{PAZHOU}", header_rows=2)
    props = wb.properties
    assert props.title == title and props.creator == call.organiser.name and props.subject == call.title
    assert call.document_number in props.keywords and props.language == "zh-CN"


def test_expert_template_prints_and_has_its_properties(demo):
    wb = load_workbook(BytesIO(expert_template_xlsx()))
    assert_prints(wb["专家信息"], number="", title="评审专家信息导入模板", header_rows=1)
    assert_prints(wb["说明"], number="", title="评审专家信息导入模板 · 填写说明", header_rows=1)
    assert wb.properties.title == "评审专家信息导入模板"


def test_summary_rows_in_rank_order_with_the_statistics(scored):
    wb = load_workbook(BytesIO(ranking_xlsx(scored["call"])))
    header, *rows = rows_of(wb["汇总"])
    assert header == ("排名", "园区名称", "所在城市", "评分表数", "平均分", "中位数", "截尾平均分", "标准差",
                      "最低分", "最高分", "极差", "分差过大", "专家组意见")
    assert [r[1] for r in rows] == [NANSHAN, PAZHOU, HUANGPU, ZHUHAI]
    assert [r[0] for r in rows] == [1, 2, 3, None]
    assert [r[2] for r in rows] == ["深圳市", "广州市", "广州市", "珠海市"]
    assert [r[3] for r in rows] == [5, 5, 3, 0]
    assert [r[12] for r in rows] == [OPINION, None, None, None]

    nanshan, pazhou, huangpu, zhuhai = rows
    # 琶洲: 91 85 80 76 72 → drop 91 and 72 → (85 + 80 + 76) / 3 = 80.333…
    assert pazhou[6] == pytest.approx(80.33)
    assert pazhou[4] == pytest.approx(80.8)
    assert pazhou[5] == pytest.approx(80)
    assert pazhou[7] == pytest.approx(q(statistics.stdev([91, 85, 80, 76, 72])))
    assert (pazhou[8], pazhou[9], pazhou[10], pazhou[11]) == (72, 91, 19, "否")
    # 南山: 88 86 84 82 40 → (86 + 84 + 82) / 3 = 84; the range 48 is over the flag (20).
    assert nanshan[6] == pytest.approx(84)
    assert nanshan[4] == pytest.approx(76)
    assert (nanshan[8], nanshan[9], nanshan[10], nanshan[11]) == (40, 88, 48, "是")
    # 黄埔: 3 submitted sheets, fewer than 5: the trimmed mean is the mean; the draft counts nowhere.
    assert huangpu[6] == pytest.approx(q(Decimal("225.5") / 3)) == pytest.approx(75.17)
    assert huangpu[5] == pytest.approx(75.5)
    assert (huangpu[8], huangpu[9], huangpu[11]) == (70, 80, "否")
    # 珠海: nothing to rank.
    assert zhuhai[4:11] == (None,) * 7
    for row in rows:  # numbers, not strings
        assert all(isinstance(v, int | float) for v in row[4:11] if v is not None)


def test_expert_sheet_lists_the_parks_with_each_criterion(scored):
    wb = load_workbook(BytesIO(ranking_xlsx(scored["call"])))
    title, header, *rows = rows_of(wb["陈教授"])
    assert title[0] == "评审专家：陈教授"
    assert header == ("园区名称", "产业基础（40分）", "发展潜力（30分）", "保障措施（30分）",
                      "总分", "状态", "评审意见")
    assert {r[0] for r in rows} == {NANSHAN, PAZHOU, HUANGPU}
    by_park = {r[0]: r for r in rows}
    assert by_park[PAZHOU][1:6] == (pytest.approx(36.4), pytest.approx(27.3), pytest.approx(27.3), 91, "已提交")
    assert sum(by_park[NANSHAN][1:4]) == pytest.approx(by_park[NANSHAN][4])
    assert by_park[NANSHAN][6] == "深圳市南：材料完整建议支持"  # the control character is gone

    _title, _header, *xu_rows = rows_of(wb["徐教授广外评审"])
    assert {r[0]: r[5] for r in xu_rows} == {NANSHAN: "已提交", PAZHOU: "已提交", HUANGPU: "草稿"}


def test_application_sheet_lists_each_expert(scored):
    wb = load_workbook(BytesIO(ranking_xlsx(scored["call"])))
    title, header, *rows = rows_of(wb[HUANGPU])
    assert title[0] == f"园区：{HUANGPU}"
    assert header[0] == "评审专家" and header[-3:] == ("总分", "状态", "评审意见")
    assert sorted((r[0], r[4], r[5]) for r in rows) == sorted([
        ("陈教授", 70, "已提交"), ("李教授", 75.5, "已提交"), ("周研究员", 80, "已提交"), (XU_NAME, 99, "草稿")])
    # A comment that looks like a formula stays text.
    li = next(row for row in wb[NANSHAN].iter_rows(min_row=3) if row[0].value == "李教授")
    assert li[6].value == "=HYPERLINK(\"http://example.com\")"
    assert li[6].data_type == "s"


def test_ranking_workbook_is_empty_but_valid_without_sheets(demo, gd_call):  # noqa: F811
    wb = load_workbook(BytesIO(ranking_xlsx(gd_call)))
    assert wb.sheetnames == ["汇总"]
    assert len(rows_of(wb["汇总"])) == 1


def test_sheet_titles_are_valid_and_unique():
    titles = SheetTitles(reserved=["汇总"])
    assert titles("汇总") == "汇总（2）"
    assert titles("a/b[c]:d*e?f\\g") == "abcdefg"
    long = "某某市某某区数字经济产业园管理委员会办公室综合服务中心（第一期）"
    first, second = titles(long), titles(long)
    assert len(long) > 31 and len(first) == 31 and first == long[:31]
    assert len(second) <= 31 and second.endswith("（2）") and second != first
    assert titles("History") == "History（2）"
    assert titles("ABC") == "ABC" and titles("abc") == "abc（2）"
    assert titles("[]/") == "工作表" and titles("", "专家") == "专家"


def test_ranking_workbook_with_a_bounded_number_of_queries(demo, gd_call, django_assert_max_num_queries):  # noqa: F811
    officer = User.objects.get(username="gd_officer")
    experts = make_experts()
    criteria = make_criteria(gd_call)
    applications = bulk_applications(gd_call, extra_parks("440100", 300), "formal_passed", officer)
    versions = {v.application_id: v for v in ApplicationVersion.objects.filter(application__in=applications)}
    assignments = Assignment.objects.bulk_create([
        Assignment(call=gd_call, application=a, expert=e, version=versions[a.pk], method="manual",
                   assigned_by=officer) for a in applications for e in experts])
    ScoreSheet.objects.bulk_create([
        ScoreSheet(assignment=s, application_id=s.application_id, version_id=s.version_id, status="submitted",
                   scores=split(str(60 + (s.application_id + i) % 40), criteria),
                   total=Decimal(60 + (s.application_id + i) % 40), comment="同意")
        for i, s in enumerate(assignments)])

    with django_assert_max_num_queries(10):
        content = ranking_xlsx(gd_call)

    wb = load_workbook(BytesIO(content), read_only=True)
    assert len(wb.sheetnames) == 1 + 5 + 300
    assert len(wb.sheetnames) == len(set(wb.sheetnames))
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert len(summary) == 301
    assert [r[0] for r in summary[1:]] == list(range(1, 301))
    scores = [r[6] for r in summary[1:]]
    assert scores == sorted(scores, reverse=True)
    first_expert = wb[wb.sheetnames[1]]
    assert sum(1 for _ in first_expert.iter_rows(min_row=3, values_only=True)) == 300
    wb.close()


def test_above_the_per_sheet_limit_one_detail_sheet_holds_every_score_sheet(scored, monkeypatch):
    from review import exports

    monkeypatch.setattr(exports, "PER_SHEET_LIMIT", 3)  # the call has 4 applications
    seen = []
    wb = load_workbook(BytesIO(ranking_xlsx(scored["call"], progress=seen.append)))
    assert wb.sheetnames == ["汇总", "评分明细"]
    header, *rows = rows_of(wb["评分明细"])
    assert header == ("园区名称", "所在城市", "评审专家", "产业基础（40分）", "发展潜力（30分）", "保障措施（30分）",
                      "总分", "状态", "评审意见")
    assert len(rows) == ScoreSheet.objects.filter(assignment__call=scored["call"]).count() == 14
    parks = [r[0] for r in rows]
    assert parks == sorted(parks)  # grouped by park
    assert ("广州市", "徐教授[广外]/评审", 99, "草稿") in {(r[1], r[2], r[6], r[7]) for r in rows if r[0] == HUANGPU}
    li = next(r for r in rows if r[0] == NANSHAN and r[2] == "李教授")
    assert li[8] == "=HYPERLINK(\"http://example.com\")"  # text, not a formula
    assert seen and seen == sorted(seen) and seen[0] == pytest.approx(0.1)


def test_the_workbook_is_written_to_a_file_without_a_copy_in_memory(scored, tmp_path):
    path = tmp_path / "ranking.xlsx"
    assert ranking_xlsx(scored["call"], path=path) is None
    assert load_workbook(path).sheetnames[0] == "汇总"


# --- PDF -----------------------------------------------------------------------------------------

def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "ranking.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return "".join(text.split())


def test_ranking_pdf_shows_the_summary(scored, tmp_path):
    pdf = ranking_pdf(scored["call"])
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    call = scored["call"]
    assert "".join(f"{call.title} 专家评审结果汇总".split()) in text
    for name in (NANSHAN, PAZHOU, HUANGPU, ZHUHAI):
        assert name in text
    assert text.index(NANSHAN) < text.index(PAZHOU) < text.index(HUANGPU) < text.index(ZHUHAI)
    assert "84.00" in text and "80.33" in text and "75.17" in text
    with translation.override("zh-hans"):
        method = str(call.get_ranking_method_display())
    assert "".join(method.split()) in text
    path = tmp_path / "ranking.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = fonts.replace("-", "")
    assert "NotoSerifCJKSC" in fonts and "NotoSansCJKSC" in fonts
    assert_archivable(pdf, title=f"{call.title} 专家评审结果汇总", author=call.organiser.name, subject=call.title,
                      keywords=", ".join(k for k in (call.document_number, "专家评审结果汇总") if k),
                      check_title_lines=False)


def test_ranking_pdf_is_landscape(scored, tmp_path):
    path = tmp_path / "ranking.pdf"
    path.write_bytes(ranking_pdf(scored["call"]))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert width == pytest.approx(841.89, abs=1) and height == pytest.approx(595.28, abs=1)


# --- the expert template -------------------------------------------------------------------------

def test_expert_template_has_the_headers_and_two_valid_examples(demo):
    content = expert_template_xlsx()
    wb = load_workbook(BytesIO(content))
    assert wb.sheetnames[1] == "说明"
    header, *rows = rows_of(wb.worksheets[0])
    assert list(header) == TEMPLATE_HEADERS
    assert len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert first["用户名"] == "expert_lin" and first["姓名"] == "林教授" and first["手机"] == "13800138000"
    assert first["最大评审数"] == 20 and first["是否启用"] == "是" and first["声明关联单位"] is None

    notes = [r[0] for r in rows_of(wb["说明"])]
    assert set(TEMPLATE_HEADERS) <= set(notes)

    # What the template shows, the import accepts.
    parsed = read_xlsx(BytesIO(content))
    assert [r["username"] for r in parsed] == ["expert_lin", "expert_wang"]
    for row in parsed:
        values, errors = check_expert_row(row)
        assert errors == []
        assert len(values["specialties"]) == 2
        assert values["region"] is not None



def test_the_summary_reads_the_stored_ranking_when_current_and_computes_it_when_not(scored,
                                                                                      django_assert_num_queries):
    from review.exports import _summary_rows
    from review.models import RankingRow
    from review.services import refresh_ranking

    call = scored["call"]
    computed = _summary_rows(call)  # no stored ranking yet
    assert computed and [row[0] for row in computed if row[0] is not None] == [1, 2, 3]
    snapshot = refresh_ranking(call_id=call.pk)
    with django_assert_num_queries(3):  # the stored ranking, the count of submitted sheets, its rows
        stored = _summary_rows(call)
    assert stored == computed
    # A stored ranking that disagrees with the sheets (stale, or counting other sheets) is not used.
    RankingRow.objects.filter(snapshot=snapshot, rank=1).update(mean=Decimal("1.00"))
    assert _summary_rows(call)[0][4] == Decimal("1.00")
    snapshot.stale_since = snapshot.computed_at
    snapshot.save()
    assert _summary_rows(call) == computed
    snapshot.stale_since, snapshot.sheets = None, snapshot.sheets + 1
    snapshot.save()
    assert _summary_rows(call) == computed
