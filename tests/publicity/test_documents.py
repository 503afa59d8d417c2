"""The publicity documents (publicity/documents.py): the notice, the objection receipt and the
designation document."""

import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor

from applications.models import Application, Call
from portal.accounts.models import Organization, User
from publicity import documents
from publicity.models import DesignatedBase, Designation, Notice, NoticeItem, Objection, ObjectionFile
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.archival import assert_archivable, title_lines_in_pdf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAZHOU = "广州人工智能与数字经济试验区琶洲核心片区管理委员会"
HUANGPU = "广州开发区（黄埔区）数字经济产业园管理委员会"
ZHUHAI = "珠海高新技术产业开发区管理委员会"
SHANTOU = "汕头高新技术产业开发区管理委员会"
ID_NUMBER = "440106199001011234"
PHONE = "13812345678"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


# --- helpers -------------------------------------------------------------------------------------

def pdf_text(pdf: bytes, tmp_path, name="doc.pdf") -> str:
    """The text in content order, without whitespace (long names and hashes wrap)."""
    path = tmp_path / name
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


def assert_cjk_embedded(pdf: bytes, tmp_path) -> None:
    fonts = pdf_fonts(pdf, tmp_path)
    assert any("CJK" in name and emb == "yes" for name, emb in fonts), fonts
    assert all(emb == "yes" for _name, emb in fonts), fonts


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def squeeze(text: str) -> str:
    return "".join(text.split())


def in_order(text: str, needles: list[str]) -> bool:
    """Each needle occurs after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        if found == -1:
            return False
        position = found + len(needle)
    return True


def application(call: Call, park_name: str) -> Application:
    return Application.objects.create(call=call, park=Organization.objects.get(name=park_name),
                                      created_by=User.objects.get(username="gd_officer"), state="formal_passed")


def make_notice(call: Call, parks: list[tuple[str, str]], **extra) -> Notice:
    values = {
        "call": call, "title": "第二批广东省数字服务出口基地候选名单公示",
        "body": "根据粤商务服函〔2022〕122号通知要求，经专家评审，现将候选名单予以公示。\n公示期为5个工作日。",
        "contact_phone": "020-38819191", "contact_email": "fwmy@example.gov.cn",
        "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）",
        "status": "published", "publication_date": date(2026, 11, 23), "window_end": date(2026, 11, 27),
        "closes_at": datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI),
        **extra,
    }
    notice = Notice.objects.create(**values)
    for order, (park, city) in enumerate(parks, start=1):
        NoticeItem.objects.create(notice=notice, application=application(call, park), order=order,
                                  park_name=park, city_name=city)
    return notice


GD_PARKS = [(PAZHOU, "广州市"), (ZHUHAI, "珠海市"), (HUANGPU, "广州市"), (SHANTOU, "汕头市")]


@pytest.fixture
def notice(gd_call):  # noqa: F811
    return make_notice(gd_call, GD_PARKS)


# --- values --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "masked"), [
    (ID_NUMBER, "440***********1234"),
    ("91440101MA5CXXXX1X", "914***********XX1X"),
    (PHONE, "138****5678"),
    ("1234567", "1******"),
    ("", ""),
])
def test_mask(value, masked):
    assert documents.mask(value) == masked
    assert len(masked) == len(value)


def test_cn_period_and_datetime():
    assert documents.cn_period(date(2026, 11, 3), date(2026, 11, 9)) == "2026年11月3日至2026年11月9日"
    assert documents.cn_period(None, date(2026, 11, 9)) == ""
    assert documents.cn_datetime(datetime(2026, 11, 23, 6, 5, tzinfo=ZoneInfo("UTC"))) == "2026年11月23日 14:05"


# --- the notice ----------------------------------------------------------------------------------

def test_notice_pdf(notice, tmp_path):
    NoticeItem.objects.filter(notice=notice, park_name=ZHUHAI).update(removed=True)
    pdf = documents.notice_pdf(notice)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "公示期：2026年11月23日至2026年11月27日" in text
    assert squeeze(notice.title) in text
    assert "经专家评审，现将候选名单予以公示" in text
    # Every candidate as published, in order, with its city; the removed one is still listed.
    assert in_order(text, ["序号园区名称所在城市", f"1{PAZHOU}广州市", f"2{ZHUHAI}珠海市", f"3{HUANGPU}广州市",
                           f"4{SHANTOU}汕头市"])
    assert "020-38819191" in text
    assert "fwmy@example.gov.cn" in text
    assert squeeze(notice.contact_address) in text
    assert "实名" in text and "书面" in text and "公示期内" in text
    assert "匿名异议" in text and "不予受理" in text
    assert f"/publicity/{notice.pk}/object/" in text
    # The issuing department and the publication date, after the rules.
    assert in_order(text, ["匿名异议", "广东省商务厅2026年11月23日"])
    assert "本公示已撤回" not in text
    assert_cjk_embedded(pdf, tmp_path)
    assert_archivable(pdf, title=notice.title, author="广东省商务厅", keywords=notice.call.document_number,
                      subject=notice.call.title)


def test_notice_context_lists_removed_items_normally(notice):
    NoticeItem.objects.filter(notice=notice, park_name=ZHUHAI).update(removed=True)
    context = documents.notice_context(notice)
    assert context["rows"] == [["1", PAZHOU, "广州市"], ["2", ZHUHAI, "珠海市"], ["3", HUANGPU, "广州市"],
                               ["4", SHANTOU, "汕头市"]]
    assert context["window"] == "公示期：2026年11月23日至2026年11月27日"
    assert context["issuer"] == "广东省商务厅"
    assert context["date"] == "2026年11月23日"
    assert not context["withdrawn"]


def test_withdrawn_notice_pdf(gd_call, tmp_path):  # noqa: F811
    notice = make_notice(gd_call, GD_PARKS[:2], status="withdrawn",
                         withdrawn_reason="候选名单中一个园区的统计数据有误，需重新核实。",
                         withdrawn_at=datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI))
    text = pdf_text(documents.notice_pdf(notice), tmp_path)
    assert "本公示已撤回" in text
    assert "撤回原因：候选名单中一个园区的统计数据有误，需重新核实。" in text
    assert "撤回日期：2026年11月25日" in text
    # The note comes first, and the notice is still shown as it was published.
    assert in_order(text, ["本公示已撤回", squeeze(notice.title), PAZHOU, ZHUHAI])
    assert "公示期：2026年11月23日至2026年11月27日" in text


def test_notice_escapes_user_text(gd_call, tmp_path):  # noqa: F811
    notice = make_notice(gd_call, [(PAZHOU, "广州市")], body="<b>不是标记</b> & 其他")
    text = pdf_text(documents.notice_pdf(notice), tmp_path)
    assert "<b>不是标记</b>&其他" in text


def test_draft_notice_without_dates(gd_call, tmp_path):  # noqa: F811
    notice = make_notice(gd_call, [(PAZHOU, "广州市")], status="draft", publication_date=None, window_end=None,
                         closes_at=None)
    text = pdf_text(documents.notice_pdf(notice), tmp_path)
    assert "公示期：自发布之日起5个工作日" in text
    assert "草稿" in text


# --- the objection receipt -----------------------------------------------------------------------

@pytest.fixture
def objection(notice):
    item = notice.items.get(park_name=HUANGPU)
    objection = Objection.objects.create(
        notice=notice, item=item, tracking_code="YY-ABCD-EFGH-JKLM", name="张三", organization="某某科技有限公司",
        id_number=ID_NUMBER, phone=PHONE, email="zhangsan@example.com",
        facts="该园区申报的2021年数字服务出口额与统计直报数据不一致。\n\n请核实后答复。")
    Objection.objects.filter(pk=objection.pk).update(created_at=datetime(2026, 11, 23, 6, 5, tzinfo=ZoneInfo("UTC")))
    objection.refresh_from_db()
    for n, name in enumerate(["统计数据对比表.pdf", "情况说明.docx"], start=1):
        ObjectionFile.objects.create(objection=objection, file=f"private/objections/{objection.pk}/{n}",
                                     original_name=name, kind="pdf" if n == 1 else "docx", size=20480 * n,
                                     sha256=SHA if n == 1 else "a" * 64)
    return objection


def test_receipt_pdf(objection, tmp_path, settings):
    settings.PORTAL_BASE_URL = "https://fwmy.example.gov.cn"
    pdf = documents.receipt_pdf(objection)
    text = pdf_text(pdf, tmp_path)
    assert "异议受理回执" in text
    assert "YY-ABCD-EFGH-JKLM" in text
    assert squeeze(objection.notice.title) in text
    assert HUANGPU in text
    assert "2026年11月23日14:05" in text  # Asia/Shanghai
    assert "张三" in text and "某某科技有限公司" in text and "zhangsan@example.com" in text
    # Masked: the first 3 and the last 4 characters only.
    assert "440***********1234" in text
    assert "138****5678" in text
    assert ID_NUMBER not in text and "199001011" not in text
    assert PHONE not in text
    assert "该园区申报的2021年数字服务出口额与统计直报数据不一致。" in text and "请核实后答复。" in text
    assert in_order(text, ["统计数据对比表.pdf", SHA, "情况说明.docx", "a" * 64])
    assert "https://fwmy.example.gov.cn/publicity/objections/status/" in text
    assert "手机号码" in text
    assert_cjk_embedded(pdf, tmp_path)
    assert_archivable(pdf, title="异议受理回执 YY-ABCD-EFGH-JKLM", author="广东省商务厅",
                      keywords="YY-ABCD-EFGH-JKLM", subject=objection.notice.title, check_title_lines=False)
    # Nor in the raw file (metadata included).
    assert ID_NUMBER.encode() not in pdf


def test_receipt_context_masks(objection):
    context = documents.receipt_context(objection)
    values = {f["label"]: f["value"] for f in context["fields"]}
    assert values["证件号码"] == "440***********1234"
    assert values["手机号码"] == "138****5678"
    assert values["收到时间"] == "2026年11月23日 14:05"
    assert ID_NUMBER not in repr(context) and PHONE not in repr(context)
    assert [f["name"] for f in context["files"]] == ["统计数据对比表.pdf", "情况说明.docx"]
    assert context["files"][0]["size"] == "20.0 KB"


def test_receipt_without_files_or_organisation(notice, tmp_path):
    objection = Objection.objects.create(
        notice=notice, item=notice.items.get(park_name=PAZHOU), tracking_code="YY-2345-6789-ABCD", name="李四",
        id_number=ID_NUMBER, phone=PHONE, email="lisi@example.com", facts="事实。")
    text = pdf_text(documents.receipt_pdf(objection), tmp_path)
    assert "未提交证明材料" in text
    assert "YY-2345-6789-ABCD" in text


# --- the designation -----------------------------------------------------------------------------

def make_designation(call: Call, notice: Notice, **extra) -> Designation:
    values = {"call": call, "notice": notice, "document_number": "粤商务服字〔2026〕45号",
              "document_date": date(2026, 12, 8), "title": "关于认定第二批广东省数字服务出口基地的通知",
              "published_by": User.objects.get(username="gd_officer"), **extra}
    designation = Designation.objects.create(**values)
    level = DesignatedBase.Level.NATIONAL if call.level == Call.Level.NATIONAL else DesignatedBase.Level.PROVINCIAL
    # Created in reverse order: the document lists them in the order of the notice all the same.
    for item in notice.items.filter(removed=False).order_by("-order"):
        DesignatedBase.objects.create(
            designation=designation, application=item.application, name=item.park_name, province="广东省",
            city=item.city_name, level=level, batch=letter_subject_of(call), year=2026,
            document_number=designation.document_number)
    return designation


def letter_subject_of(call: Call) -> str:
    from review.letters import letter_subject

    return letter_subject(call.title)


@pytest.fixture
def designation(gd_call, notice):  # noqa: F811
    NoticeItem.objects.filter(notice=notice, park_name=ZHUHAI).update(removed=True)
    Notice.objects.filter(pk=notice.pk).update(status="closed")
    return make_designation(gd_call, notice)


PROVINCIAL_ADDRESSEE = "各地级以上市商务局、党委网信办、工业和信息化局："
NATIONAL_ADDRESSEE = "各省、自治区、直辖市及计划单列市、新疆生产建设兵团商务、网信、工业和信息化主管部门："
GD_ISSUERS = ["广东省商务厅", "中共广东省委网络安全和信息化委员会办公室", "广东省工业和信息化厅"]


def test_designation_context(designation):
    context = documents.designation_context(designation)
    assert context["issuers"] == GD_ISSUERS
    assert context["document_number"] == "粤商务服字〔2026〕45号"
    assert context["addressee"] == PROVINCIAL_ADDRESSEE
    assert context["rows"] == [["1", PAZHOU, "广州市"], ["2", HUANGPU, "广州市"], ["3", SHANTOU, "汕头市"]]
    body = context["body"][0]
    assert "粤商务服函〔2022〕122号" in body
    assert "2026年11月23日至2026年11月27日" in body
    assert "专家评审" in body and "公示" in body
    assert "以下3个园区为第二批“广东省数字服务出口基地”" in body
    closing = "".join(context["closing"])
    assert "统计" in closing and "复核" in closing and "建设" in closing
    assert context["signatories"] == GD_ISSUERS
    assert context["date"] == "2026年12月8日"


def test_designation_pdf(designation, tmp_path):
    pdf = documents.designation_pdf(designation)
    text = pdf_text(pdf, tmp_path)
    assert in_order(text, GD_ISSUERS + ["粤商务服字〔2026〕45号", "关于认定第二批广东省数字服务出口基地的通知",
                                        PROVINCIAL_ADDRESSEE])
    assert in_order(text, ["序号基地名称所在地市", f"1{PAZHOU}广州市", f"2{HUANGPU}广州市", f"3{SHANTOU}汕头市"])
    assert ZHUHAI not in text  # removed after an upheld objection: not designated
    assert "2026年11月23日至2026年11月27日" in text
    assert in_order(text, ["特此通知。"] + GD_ISSUERS + ["2026年12月8日"])
    assert_cjk_embedded(pdf, tmp_path)
    assert_archivable(pdf, title="关于认定第二批广东省数字服务出口基地的通知", author="广东省商务厅",
                      keywords="粤商务服字〔2026〕45号", subject=designation.call.title)
    # The title in two balanced lines (it used to end "…通 / 知"), measured in the PDF's text.
    assert title_lines_in_pdf(pdf, designation.title) == ["关于认定第二批广东省", "数字服务出口基地的通知"]


def test_designation_docx(designation):
    content = documents.designation_docx(designation)
    document = Document(io.BytesIO(content))
    text = docx_text(document)
    # The title is one paragraph, in two balanced lines (GB/T 9704: no lone character on a line).
    title = next(p for p in document.paragraphs if "关于认定" in p.text)
    assert title.text == "关于认定第二批广东省\n数字服务出口基地的通知"
    assert in_order(text, GD_ISSUERS + ["粤商务服字〔2026〕45号", title.text, PROVINCIAL_ADDRESSEE, "特此通知。"])
    assert ZHUHAI not in text
    # The same text as the PDF: every paragraph of the shared context.
    context = documents.designation_context(designation)
    for paragraph in context["body"] + context["closing"]:
        assert paragraph in text
    # A real table, with the bases in the order of the notice.
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["序号", "基地名称", "所在地市"], ["1", PAZHOU, "广州市"], ["2", HUANGPU, "广州市"], ["3", SHANTOU, "汕头市"]]
    # The issuers in red.
    for paragraph in document.paragraphs[:3]:
        assert paragraph.runs[0].font.color.rgb == RGBColor(0xCC, 0x00, 0x00)
    # East Asian fonts set, in Chinese.
    rpr = document.styles["Normal"].element.rPr
    assert rpr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"  # as GB/T 9704 names it
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert document.core_properties.title == "关于认定第二批广东省数字服务出口基地的通知"
    assert document.core_properties.keywords == "粤商务服字〔2026〕45号"


def test_national_designation(calls, tmp_path):  # noqa: F811
    national = calls[1]
    notice = make_notice(national, [(PAZHOU, "广州市")], title="第一批国家数字服务出口基地候选名单公示",
                         status="closed", publication_date=date(2019, 12, 2), window_end=date(2019, 12, 6))
    designation = make_designation(national, notice, document_number="商服贸函〔2020〕12号",
                                   document_date=date(2020, 1, 15), title="关于认定第一批国家数字服务出口基地的通知")
    context = documents.designation_context(designation)
    assert context["addressee"] == NATIONAL_ADDRESSEE
    assert context["issuers"] == ["商务部办公厅", "中央网信办秘书局", "工业和信息化部办公厅"]
    assert context["rows"] == [["1", PAZHOU, "广东省广州市"]]
    assert "第一批“国家数字服务出口基地”" in context["body"][0]
    text = pdf_text(documents.designation_pdf(designation), tmp_path)
    assert NATIONAL_ADDRESSEE in text
    assert "商服贸函〔2020〕12号" in text
    assert NATIONAL_ADDRESSEE in docx_text(Document(io.BytesIO(documents.designation_docx(designation))))
