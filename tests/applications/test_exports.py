"""Word and PDF dossiers of a submitted version (applications/exports.py, export_dossier)."""

import hashlib
import io
import re
import subprocess
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from applications.dossier import SECTIONS, SECTIONS_BY_KEY, LeadingEnterpriseRowForm
from applications.eligibility import evaluate, misses
from applications.exports import dossier_outline, render_docx, render_pdf
from applications.models import Application, ApplicationVersion, Call, Threshold
from portal.accounts.models import Organization, Region, User

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARK_NAME = "广州人工智能与数字经济试验区琶洲核心片区管理委员会"

BASIC_CONDITIONS = [
    "园区管理机构具有独立法人资格，运营2年（含）以上，园区面积适宜管理。",
    "符合数字服务出口发展方向，符合国家法律法规、政策和产业规划。",
    "具有先行先试经验，能够引领数字服务新业态新模式发展。",
    "具有较为完善的统计监测体系，能够对数字服务进行在线监测。",
    "遵守《网络安全法》《数据安全法》，具备网络安全风险防控能力。",
    "所在市、县（区）政府制定了数字经济或信息服务业发展规划或支持政策。",
]

ENTERPRISES = [
    ("唯品会（中国）有限公司", "跨境电子商务平台", "3.56"),
    ("广州欢聚时代信息科技有限公司", "互联网视频社交", "8.20"),
    ("树根互联股份有限公司", "工业互联网平台", "0.85"),
    ("广州市玄武无线科技股份有限公司", "企业移动信息服务", "0.42"),
]

ATTACHMENTS = [
    ("营业执照及法人证书", "琶洲管委会事业单位法人证书.pdf", "pdf", 412_331),
    ("统计数据证明", "2021年琶洲试验区服务贸易直报数据汇总.xlsx", "xlsx", 88_120),
    ("统计数据证明", "2021年离岸信息技术外包执行额统计.pdf", "pdf", 230_004),
    ("政策文件", "广州市数字经济促进条例.pdf", "pdf", 1_204_776),
    ("网络安全", "琶洲试验区网络安全管理制度汇编.docx", "docx", 156_902),
]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def call(demo):
    guangdong = Region.objects.get(code="440000")
    organiser = Organization.objects.get(name="广东省商务厅", kind="province_commerce")
    call = Call.objects.create(
        title="关于组织申报第二批广东省数字服务出口基地的通知",
        document_number="粤商务服函〔2022〕122号",
        issuers="广东省商务厅\n中共广东省委网络安全和信息化委员会办公室\n广东省工业和信息化厅",
        level=Call.Level.PROVINCIAL,
        organiser=organiser,
        region=guangdong,
        park_types=["outsourcing_demo", "edz", "htz", "digital_park"],
        recommending_tier=Call.RecommendingTier.CITY,
        quota_per_unit=5,
        basic_conditions=BASIC_CONDITIONS,
        evidence_categories=sorted({a[0] for a in ATTACHMENTS}),
        park_deadline=datetime(2022, 7, 10, 17, 0, tzinfo=SHANGHAI),
        recommend_deadline=datetime(2022, 7, 20, 17, 0, tzinfo=SHANGHAI),
        status=Call.Status.OPEN,
    )
    Threshold.objects.create(call=call, region_class="prd", total_output=Decimal("20"),
                             ict_output=Decimal("3"), ict_exports=Decimal("2"), digital_enterprises=10)
    Threshold.objects.create(call=call, region_class="ewn", total_output=Decimal("10"),
                             ict_output=Decimal("1"), ict_exports=Decimal("0.5"), digital_enterprises=5)
    return call


@pytest.fixture
def park_user(demo):
    return User.objects.get(username="park_pazhou")


@pytest.fixture
def application(call, park_user):
    park = Organization.objects.get(name=PARK_NAME)
    assert park.kind == "park" and park.region.code == "440100"
    return Application.objects.create(call=call, park=park, created_by=park_user,
                                      state=Application.State.SUBMITTED,
                                      submitted_at=datetime(2022, 7, 8, 16, 5, tzinfo=SHANGHAI))


def make_version(application, *, number=1, user=None, enterprises=None, attachments=None,
                 contact_person="陈立明", submitted_at=None) -> ApplicationVersion:
    """A submitted version with the full, realistic dossier of 琶洲 (created once: it is immutable)."""
    user = user or User.objects.get(username="park_pazhou")
    enterprises = ENTERPRISES if enterprises is None else enterprises
    attachments = ATTACHMENTS if attachments is None else attachments
    stored = [
        {"id": str(1000 + i), "category": category, "name": name, "kind": kind, "size": size,
         "sha256": sha(f"{number}:{i}:{name}"),
         "uploaded_at": f"2022-07-0{1 + i % 7}T10:{i % 60:02d}:00+08:00"}
        for i, (category, name, kind, size) in enumerate(attachments)
    ]
    ids = [a["id"] for a in stored]
    data = {
        "cover": {
            "park_name": PARK_NAME,
            "legal_representative": "黄海涛",
            "contact_person": contact_person,
            "contact_phone": "020-89339001",
            "contact_email": "pazhou@demo.gov.cn",
            "address": "广州市海珠区琶洲大道东1号",
        },
        "overview": {
            "established_on": "2019-07-10",
            "area_km2": "11.23",
            "history": "2019年，广州市委、市政府批准设立广州人工智能与数字经济试验区。\n"
                       "琶洲核心片区定位为“数字经济创新引领区”，集聚了一批互联网头部企业总部。",
            "location": "位于广州市海珠区，东临黄埔，北隔珠江与天河中央商务区相望。",
            "total_output": "1532.60",
            "total_exports": "18.75",
            "enterprise_count": 32000,
            "employee_count": 186000,
            "ip_count": 5230,
            "software_copyright_count": 12876,
            "pilot_experience": "率先开展数据要素市场化配置改革试点，建设琶洲数据交易服务中心。",
            "key_industries": [
                {"name": "人工智能", "output": "320.50", "description": "语音识别、计算机视觉和智能决策"},
                {"name": "数字创意", "output": "210.00", "description": "网络视听、电子竞技与动漫游戏"},
                {"name": "跨境电子商务", "output": "", "description": ""},
            ],
        },
        "foundations": {
            "digital_infrastructure": "5G基站实现全覆盖，建成琶洲算力中心，总算力达到每秒50亿亿次。",
            "statistics_system": "依托商务部服务贸易统计监测管理信息系统，按月开展企业直报与数据核查。",
            "cybersecurity": "建立网络安全和数据安全责任制，定期开展攻防演练和等级保护测评。",
            "ict_output": "860.40",
            "ict_value_added": "402.15",
            "ict_exports": "1.85",
            "digital_enterprise_count": 126,
        },
        "advantages": {
            "positioning": "打造具有全球影响力的数字经济创新集聚区和数字服务出口高地。",
            "rd_investment": "96.30",
            "policy_support": "",
            "leading_enterprises": [
                {"name": name, "field": field, "exports": exports} for name, field, exports in enterprises
            ],
            "leading_talent": [
                {"name": "李明远", "title": "首席科学家",
                 "achievements": "国家级人工智能领军人才，主持国家重点研发计划项目"},
            ],
            "policies": [
                {"title": "广州市数字经济促进条例", "issuer": "广州市人民代表大会常务委员会",
                 "document_number": "", "issued_on": "2022-04-06"},
                {"title": "广州人工智能与数字经济试验区建设总体方案", "issuer": "广东省人民政府",
                 "document_number": "粤府函〔2020〕95号", "issued_on": "2020-05-11"},
            ],
        },
        "plans": {
            "plans": "一、总体思路：以数字贸易为牵引，推动数字服务出口规模化发展。\n"
                     "二、主要举措：建设国际数据服务平台，培育一批数字服务出口龙头企业。",
        },
        "conditions": {
            **{f"c{i}_declared": True for i in range(1, 7)},
            **{f"c{i}_explanation": f"第{i}项条件的说明：已满足，详见证明材料。" for i in range(1, 7)},
            **{f"c{i}_evidence": ids[i % len(ids):i % len(ids) + 2] if ids else [] for i in range(1, 7)},
        },
    }
    merged = {k: v for section in data.values() for k, v in section.items()}
    call = application.call
    criteria = evaluate(call=call, region=application.park.region, data=merged)
    missed = misses(criteria)
    return ApplicationVersion.objects.create(
        application=application, number=number, data=data, attachments=stored,
        eligibility=[c.as_dict() for c in criteria], misses=len(missed),
        justification="电信、计算机和信息服务出口额为1.85亿元，略低于2亿元标准；2022年上半年已达1.32亿元，"
                      "全年预计超过2.5亿元，请予考虑特殊潜力。" if missed else "",
        submitted_by=user,
        submitted_at=submitted_at or datetime(2022, 7, 8, 16, 5, tzinfo=SHANGHAI) + timedelta(hours=number),
    )


@pytest.fixture
def version(application):
    return make_version(application)


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(pdf: bytes, tmp_path) -> list[dict]:
    """pdffonts' table, split by the columns of its dashed rule (the type column has spaces)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    header, rule, *rows = lines
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in spans]
    names[-1] = header[spans[-1][0]:].strip()
    return [{name: row[a:b].strip() for name, (a, b) in zip(names, spans, strict=True)} for row in rows]


# --- outline -------------------------------------------------------------------------------------

def test_outline_has_the_sections_of_the_guide_and_formats_values(version):
    outline = dossier_outline(version)
    assert [s["key"] for s in outline] == [
        "cover", "overview", "foundations", "advantages", "plans", "evidence", "conditions", "eligibility",
    ]
    assert [s["title"] for s in outline[:7]] == [str(s.title) for s in SECTIONS]
    cover = outline[0]
    assert cover["park_name"] == PARK_NAME
    assert cover["call_title"] == version.application.call.title
    assert {"黄海涛", "陈立明", "020-89339001", "pazhou@demo.gov.cn", "1", "2022年7月8日 17:05"} <= {
        f["value"] for f in cover["fields"]}

    def values(key):
        section = next(s for s in outline if s["key"] == key)
        found = []
        for block in section["blocks"]:
            found += [r["value"] for r in block.get("rows", []) if isinstance(r, dict)]
            found += [v for r in block.get("rows", []) if isinstance(r, list) for v in r]
            found += block.get("paragraphs", [])
        return found

    overview = values("overview")
    assert "2019年7月10日" in overview and "1532.60" in overview and "32000" in overview
    assert "—" in overview  # the empty output of 跨境电子商务
    assert "2022年4月6日" in values("advantages")
    conditions = values("conditions")
    assert conditions.count(_("Yes")) == 6
    assert "2021年琶洲试验区服务贸易直报数据汇总.xlsx\n2021年离岸信息技术外包执行额统计.pdf" in conditions
    eligibility = next(s for s in outline if s["key"] == "eligibility")
    table, justification = eligibility["blocks"]
    assert version.misses == 1 and [r[-1] for r in table["rows"]].count(_("Not met")) == 1
    assert "1.85亿元" in justification["paragraphs"][0]


# --- Word ----------------------------------------------------------------------------------------

def test_docx_has_headings_toc_tables_hashes_and_cjk_fonts(version):
    import docx

    content = render_docx(version)
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    outline = dossier_outline(version)
    assert headings == [s["title"] for s in outline[1:]]
    for key in ("overview", "foundations", "advantages", "plans", "evidence", "conditions"):
        assert str(SECTIONS_BY_KEY[key].title) in headings
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert str(SECTIONS_BY_KEY["advantages"].rows[0].title) in subheadings

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
        settings_xml = package.read("word/settings.xml").decode()
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    assert 'w:fldCharType="separate"' in xml
    # The typefaces GB/T 9704 names: 仿宋_GB2312 for the text, 黑体 and 楷体_GB2312 for headings.
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles
    assert 'w:eastAsia="楷体_GB2312"' in styles
    assert "<w:updateFields" in settings_xml

    # The cover page comes first, then the TOC, then the chapters.
    text = [p.text for p in document.paragraphs if p.text]
    assert text.index(_("Digital Service Export Base Application Dossier")) < text.index(headings[0])
    assert text.index(PARK_NAME) < text.index(_("Table of contents")) < text.index(headings[0])

    enterprise_header = str(LeadingEnterpriseRowForm().fields["name"].label)
    enterprises = next(t for t in document.tables if enterprise_header in [c.text for c in t.rows[0].cells])
    names = [row.cells[1].text for row in enterprises.rows[1:]]
    assert names == [name for name, _f, _e in ENTERPRISES]
    assert enterprises.rows[1].cells[3].text == "3.56"
    assert "w:tblHeader" in enterprises.rows[0]._tr.xml

    all_text = docx_text(document)
    for attachment in version.attachments:
        assert attachment["sha256"] in all_text
        assert attachment["name"] in all_text
    assert "2019年7月10日" in all_text and "1532.60" in all_text
    assert version.justification in all_text


# --- PDF -----------------------------------------------------------------------------------------

def test_pdf_embeds_a_cjk_font_and_renders_chinese_text(version, tmp_path):
    pdf = render_pdf(version)
    assert pdf.startswith(b"%PDF")
    fonts = pdf_fonts(pdf, tmp_path)
    cjk = [f for f in fonts if "CJK" in f["name"]]
    assert cjk and all(f["emb"] == "yes" for f in cjk), fonts
    text = pdf_text(pdf, tmp_path)
    flat = "".join(text.split())  # long names may wrap
    assert PARK_NAME in flat
    assert "".join(str(SECTIONS_BY_KEY["overview"].title).split()) in flat
    assert "唯品会（中国）有限公司" in flat
    assert version.attachments[0]["sha256"][:16] in flat
    assert "2019年7月10日" in flat
    # The table of contents resolved its page numbers (no unresolved counters).
    assert re.search(r"\.{3,}\s*\d+", text)


# --- command -------------------------------------------------------------------------------------

def test_export_dossier_writes_the_latest_version_in_both_formats(application, tmp_path):
    import docx

    make_version(application, number=1, contact_person="第一版联系人")
    make_version(application, number=2, contact_person="第二版联系人")
    docx_path, pdf_path = tmp_path / "dossier.docx", tmp_path / "dossier.pdf"
    out = io.StringIO()
    call_command("export_dossier", str(application.pk), "--format", "docx", "--out", str(docx_path),
                 stdout=out)
    assert "version 2" in out.getvalue()
    call_command("export_dossier", str(application.pk), "--format=pdf", f"--out={pdf_path}",
                 stdout=io.StringIO())

    word = docx_text(docx.Document(str(docx_path)))
    assert "第二版联系人" in word and "第一版联系人" not in word
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    flat = "".join(pdf_text(pdf, tmp_path).split())
    assert "第二版联系人" in flat and "第一版联系人" not in flat

    from portal.audit.models import AuditEvent

    events = AuditEvent.objects.filter(verb="application.dossier_exported", target_id=str(application.pk))
    assert [e.data["format"] for e in events.order_by("id")] == ["docx", "pdf"]


def test_export_dossier_errors_clearly(call, park_user, tmp_path):
    park = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    draft = Application.objects.create(call=call, park=park, created_by=park_user)
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=str(draft.pk)) as excinfo:
        call_command("export_dossier", str(draft.pk), "--format", "docx", "--out", str(out))
    assert str(excinfo.value) == _(
        "Application %(id)s has no submitted version: only a submitted dossier can be exported."
    ) % {"id": draft.pk}
    with pytest.raises(CommandError) as excinfo:
        call_command("export_dossier", "999999", "--format", "pdf", "--out", str(out))
    assert str(excinfo.value) == _("Application %(id)s does not exist.") % {"id": 999999}
    with pytest.raises(CommandError):
        call_command("export_dossier", str(draft.pk), "--format", "odt", "--out", str(out))
    assert not out.exists()


# --- size ----------------------------------------------------------------------------------------

def test_a_large_dossier_renders_in_both_formats(application, tmp_path):
    import docx

    fields = ["人工智能", "工业互联网", "数字内容", "跨境电商", "云计算", "集成电路设计", "金融科技"]
    enterprises = [
        (f"广州琶洲{fields[i % 7]}科技有限公司（第{i + 1}家）", fields[i % 7], f"{0.35 + i * 0.17:.2f}")
        for i in range(50)
    ]
    categories = ["营业执照及法人证书", "统计数据证明", "政策文件", "网络安全", "获奖及资质证明"]
    attachments = [(categories[i % 5], f"证明材料第{i + 1:03d}号——2021年度数字服务出口情况说明.pdf", "pdf",
                    50_000 + i * 7919) for i in range(100)]
    version = make_version(application, enterprises=enterprises, attachments=attachments)

    document = docx.Document(io.BytesIO(render_docx(version)))
    text = docx_text(document)
    assert enterprises[-1][0] in text and version.attachments[-1]["sha256"] in text

    pdf = render_pdf(version)
    assert pdf.startswith(b"%PDF")
    flat = "".join(pdf_text(pdf, tmp_path).split())
    assert "".join(enterprises[-1][0].split()) in flat
