"""The joint recommendation letter (推荐函) as PDF and Word (review/letters.py)."""

import io
import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor

from applications import demo as demo_data
from applications.models import Application, ApplicationVersion, Call
from portal.accounts.models import Organization, Region, User
from review.letters import copied_to, letter_context, letter_subject, render_docx, render_pdf
from review.models import Recommendation, RecommendationItem
from review.selectors import co_departments
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.archival import assert_archivable, title_lines_in_pdf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAZHOU = "广州人工智能与数字经济试验区琶洲核心片区管理委员会"
HUANGPU = "广州开发区（黄埔区）数字经济产业园管理委员会"
TIANHE = "广州天河中央商务区管理委员会"
GZ_CAC = "中共广州市委网络安全和信息化委员会办公室"
GZ_MIIT = "广州市工业和信息化局"
GD_CAC = "中共广东省委网络安全和信息化委员会办公室"
GD_MIIT = "广东省工业和信息化厅"
TIANHE_FIGURES = {**demo_data.PAZHOU, "contact": "王海峰", "phone": "020-38801234", "total_output": "2468.35",
                  "ict_output": "812.40", "ict_exports": "69.12", "digital_enterprises": 230}


def add_application(call: Call, park_name: str, versions: list[dict]) -> tuple[Application, list]:
    """An application with submitted versions created directly, ``versions``: figures of v1, v2…"""
    park = Organization.objects.get(name=park_name)
    user = User.objects.get(username="city_gz")
    application = Application.objects.create(call=call, park=park, created_by=user,
                                             latest_version_number=len(versions))
    created = [
        ApplicationVersion.objects.create(
            application=application, number=n, data=demo_data.dossier(park, figures), submitted_by=user,
            submitted_at=datetime(2026, 11, 1 + n, 9, 30, tzinfo=SHANGHAI))
        for n, figures in enumerate(versions, start=1)
    ]
    return application, created


def recommend(call: Call, region: Region, unit: str, letter_number: str, ranked: list) -> Recommendation:
    """``ranked``: (application, version) in the order of the recommendation."""
    recommendation = Recommendation.objects.create(
        call=call, region=region, organization=Organization.objects.get(name=unit),
        letter_number=letter_number, sent_at=datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI),
        sent_by=User.objects.get(username="city_gz"))
    for rank, (application, version) in enumerate(ranked, start=1):
        RecommendationItem.objects.create(recommendation=recommendation, application=application,
                                          version=version, rank=rank)
    return recommendation


@pytest.fixture
def gz_recommendation(gd_call):  # noqa: F811
    """广州 recommends 天河, 琶洲 (its first version, not the later one) and 黄埔, in that order."""
    pazhou, (pazhou_v1, _pazhou_v2) = add_application(
        gd_call, PAZHOU, [demo_data.PAZHOU, {**demo_data.PAZHOU, "total_output": "999.99"}])
    huangpu, (huangpu_v1,) = add_application(gd_call, HUANGPU, [demo_data.HUANGPU])
    tianhe, (tianhe_v1,) = add_application(gd_call, TIANHE, [TIANHE_FIGURES])
    return recommend(gd_call, Region.objects.get(code="440100"), "广州市商务局", "穗商务函〔2026〕15号",
                     [(tianhe, tianhe_v1), (pazhou, pazhou_v1), (huangpu, huangpu_v1)])


@pytest.fixture
def national_recommendation(calls):  # noqa: F811
    national = calls[1]
    tianhe, (version,) = add_application(national, TIANHE, [TIANHE_FIGURES])
    return recommend(national, Region.objects.get(code="440000"), "广东省商务厅", "粤商务服函〔2019〕88号",
                     [(tianhe, version)])


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The text in content order (``-raw``: a table cell's wrapped lines stay together), without
    whitespace, since long names wrap."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return "".join(text.split())


def pdf_fonts(pdf: bytes, tmp_path) -> list[tuple[str, str]]:
    """(name, embedded) of each font listed by pdffonts."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    header, _rule, *rows = lines
    emb = header.index("emb")
    return [(row.split()[0], row[emb:emb + 3].strip()) for row in rows]


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def in_order(text: str, needles: list[str]) -> bool:
    positions = [text.find(n) for n in needles]
    return -1 not in positions and positions == sorted(positions)


# --- text ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "subject"), [
    ("第二批广东省数字服务出口基地申报", "第二批广东省数字服务出口基地"),
    ("国家数字服务出口基地申报（第一批）", "第一批国家数字服务出口基地"),
    ("关于组织申报第二批广东省数字服务出口基地的通知", "第二批广东省数字服务出口基地"),
    ("第三批广东省数字服务出口基地", "第三批广东省数字服务出口基地"),
])
def test_letter_subject_from_the_call_title(title, subject):
    assert letter_subject(title) == subject


def test_copied_to_are_the_co_issuers_other_than_the_organiser(calls):  # noqa: F811
    provincial, national = calls
    assert copied_to(provincial) == [GD_CAC, GD_MIIT]
    # The national call's issuers are the ministries' offices; 商务部办公厅 is the organiser's own.
    assert copied_to(national) == ["中央网信办秘书局", "工业和信息化部办公厅"]


def test_context_of_a_city_letter(gz_recommendation):
    context = letter_context(gz_recommendation)
    assert context["issuers"] == ["广州市商务局", GZ_CAC, GZ_MIIT]
    assert context["letter_number"] == "穗商务函〔2026〕15号"
    assert context["title"] == "关于推荐第二批广东省数字服务出口基地的函"
    assert context["addressee"] == "广东省商务厅："
    assert context["parks"] == [TIANHE, PAZHOU, HUANGPU]
    assert context["date"] == "2026年11月23日"
    assert context["cc"] == [GD_CAC, GD_MIIT]
    body = context["body"][0]
    assert "粤商务服函〔2022〕122号" in body and f"会同{GZ_CAC}、{GZ_MIIT}" in body
    assert "以下3个园区" in body
    # The exact version recommended: 琶洲's v1 (1050.00), not its later v2 (999.99).
    assert [row[0] for row in context["rows"]] == ["1", "2", "3"]
    assert context["rows"][1][2:] == ["1050.00", "593.58", "1.76", "156", "陈立明\n020-89091234"]
    assert context["rows"][0][2] == "2468.35"
    assert context["rows"][2][2] == "8936.00"
    assert len(context["attachments"]) == 3 and context["attachments"][0] == f"1. {TIANHE}申报材料"


# --- PDF -----------------------------------------------------------------------------------------

def test_pdf_of_a_city_letter(gz_recommendation, tmp_path):
    pdf = render_pdf(gz_recommendation)
    assert pdf.startswith(b"%PDF")
    cjk = [(name, emb) for name, emb in pdf_fonts(pdf, tmp_path) if "CJK" in name]
    assert cjk and all(emb == "yes" for _name, emb in cjk), cjk
    text = pdf_text(pdf, tmp_path)
    assert in_order(text, ["广州市商务局", GZ_CAC, GZ_MIIT, "穗商务函〔2026〕15号",
                           "关于推荐第二批广东省数字服务出口基地的函", "广东省商务厅：",
                           "粤商务服函〔2022〕122号"])
    assert in_order(text, ["序号", TIANHE, PAZHOU, HUANGPU, "特此函告。"])
    assert "1050.00" in text and "2468.35" in text and "8936.00" in text
    assert "999.99" not in text
    assert "2026年11月23日" in text
    assert re.search(f"抄送：{GD_CAC}[，、]{GD_MIIT}", text), text
    call = gz_recommendation.call
    assert_archivable(pdf, title="关于推荐第二批广东省数字服务出口基地的函", author="广州市商务局",
                      keywords="穗商务函〔2026〕15号", subject=call.title)
    assert title_lines_in_pdf(pdf, "关于推荐第二批广东省数字服务出口基地的函") == [
        "关于推荐第二批广东省数字服务出口基地的函"]  # 20 characters: one line of the text width


def test_pdf_of_a_national_letter(national_recommendation, tmp_path):
    text = pdf_text(render_pdf(national_recommendation), tmp_path)
    assert in_order(text, ["广东省商务厅", GD_CAC, GD_MIIT, "粤商务服函〔2019〕88号",
                           "关于推荐第一批国家数字服务出口基地的函", "中华人民共和国商务部：",
                           "商办服贸函〔2019〕245号", TIANHE, "2468.35"])
    assert re.search("抄送：中央网信办秘书局[，、]工业和信息化部办公厅", text), text
    assert "商务部办公厅" not in text[text.index("抄送："):]  # the addressee is not copied


# --- Word ----------------------------------------------------------------------------------------

def test_docx_of_a_city_letter(gz_recommendation):
    document = Document(io.BytesIO(render_docx(gz_recommendation)))
    text = docx_text(document)
    for needle in ["穗商务函〔2026〕15号", "关于推荐第二批广东省数字服务出口基地的函", "广东省商务厅：",
                   "特此函告。", "2026年11月23日", f"抄送：{GD_CAC}，{GD_MIIT}。", "1050.00"]:
        assert needle in text, needle
    assert "999.99" not in text

    # The issuers' names: the first paragraphs, red.
    header = document.paragraphs[:3]
    assert [p.text for p in header] == ["广州市商务局", GZ_CAC, GZ_MIIT]
    for paragraph in header:
        assert all(run.font.color.rgb == RGBColor(0xCC, 0, 0) for run in paragraph.runs)

    # One real table: a header row and one row per park, in rank order.
    (table,) = document.tables
    assert len(table.rows) == 4
    assert table.rows[0].cells[0].text == "序号"
    assert table.rows[0].cells[2].text == "总产值（亿元）"
    assert [row.cells[1].text for row in table.rows[1:]] == [TIANHE, PAZHOU, HUANGPU]
    assert [row.cells[2].text for row in table.rows[1:]] == ["2468.35", "1050.00", "8936.00"]

    # East Asian fonts are named, not left to the theme (which would pick a Japanese font).
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"  # as GB/T 9704 names it
    assert document.core_properties.title == "关于推荐第二批广东省数字服务出口基地的函"


def test_docx_of_a_national_letter(national_recommendation):
    document = Document(io.BytesIO(render_docx(national_recommendation)))
    text = docx_text(document)
    assert [p.text for p in document.paragraphs[:3]] == ["广东省商务厅", GD_CAC, GD_MIIT]
    assert "中华人民共和国商务部：" in text
    assert "抄送：中央网信办秘书局，工业和信息化部办公厅。" in text
    assert "附件：" + TIANHE + "申报材料" in text  # a single attachment is not numbered
    assert len(document.tables[0].rows) == 2


def test_national_unit_co_departments(national_recommendation):
    call = national_recommendation.call
    guangdong = Region.objects.get(code="440000")
    assert [o.name for o in co_departments(call, guangdong.pk)] == [GD_CAC, GD_MIIT]
