"""Demo calls and applications (python manage.py load_demo), with figures from seeds 000–003.

The Guangdong 2022 call is open with deadlines in the future; the national 2019 call is closed.
Applications go through the services, like a user's would: drafts, and submitted dossiers.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.dossier import SECTIONS
from applications.forms import DEFAULT_EVIDENCE_CATEGORIES, GUANGDONG_BASIC_CONDITIONS
from applications.models import Application, Call, Threshold
from portal.accounts.models import Organization, Region, User
from portal.workflow import enter

SHANGHAI = ZoneInfo("Asia/Shanghai")

NATIONAL_BASIC_CONDITIONS = [
    "园区管理机构具有独立法人资格且运营2年（含）以上，园区面积适中，适于管理。",
    "园区符合数字服务出口发展方向，符合国家有关法律法规和产业政策的规定，符合国家产业规划要求。",
    "园区具有开展改革先行先试的实践经验，具备发展数字服务新业态新模式的示范和引领作用。",
    "园区具有较为完备的统计监测体系，具备开展数字服务在线统计监测能力。",
    "园区严格遵守《网络安全法》及相关法规的要求，具有较为完备的网络安全风险防范管理机制和能力。",
    "园区所在省、市政府制定有数字经济或信息服务业发展规划或支持政策。",
]

GUANGDONG_TITLE = "第二批广东省数字服务出口基地申报"
NATIONAL_TITLE = "国家数字服务出口基地申报（第一批）"


def _call(title: str, defaults: dict, thresholds: list[tuple], *, imported_by: User | None = None) -> Call:
    """The call ``title``; created as a draft, or (``imported_by``) recorded closed by that officer, a round
    held before the portal."""
    call = Call.objects.filter(title=title).first()
    if call is None:
        call = Call(title=title, **defaults)
        if imported_by is None:
            call.save()
        else:
            enter(call, "import_closed", user=imported_by, organization=call.organiser)
    else:  # keep the deadlines ahead of today on every run
        Call.objects.filter(pk=call.pk).update(**{k: v for k, v in defaults.items()
                                                  if "deadline" in k or k == "candidates_about"})
        call.refresh_from_db()
    services.ensure_default_region_classes(call)
    for region_class, total, ict, exports, enterprises in thresholds:
        Threshold.objects.update_or_create(call=call, region_class=region_class, defaults={
            "total_output": total, "ict_output": ict, "ict_exports": exports,
            "digital_enterprises": enterprises})
    return call


def load_calls() -> tuple[Call, Call]:
    guangdong = Organization.objects.get(name="广东省商务厅")
    ministry = Organization.objects.get(name="中华人民共和国商务部")
    now = timezone.now()
    park_deadline = timezone.localtime(now + timedelta(days=45)).replace(hour=17, minute=30, second=0,
                                                                         microsecond=0)
    gd = _call(GUANGDONG_TITLE, {
        "document_number": "粤商务服函〔2022〕122号",
        "issuers": "广东省商务厅\n中共广东省委网络安全和信息化委员会办公室\n广东省工业和信息化厅",
        "level": Call.Level.PROVINCIAL, "organiser": guangdong,
        "region": Region.objects.get(code="440000"),
        "park_types": ["outsourcing_demo", "edz", "htz", "digital_park"],
        "recommending_tier": Call.RecommendingTier.CITY, "quota_per_unit": 5,
        "basic_conditions": GUANGDONG_BASIC_CONDITIONS, "evidence_categories": DEFAULT_EVIDENCE_CATEGORIES,
        "park_deadline": park_deadline, "recommend_deadline": park_deadline + timedelta(days=20),
        "publicity_days": 5, "co_review_required": True,
    }, [("prd", "20.00", "3.00", "2.00", 10), ("ewn", "10.00", "1.00", "0.50", 5)])
    gd.co_issuers.set(Organization.objects.filter(
        name__in=["中共广东省委网络安全和信息化委员会办公室", "广东省工业和信息化厅"]))
    if gd.status == Call.Status.DRAFT:
        officer = User.objects.get(username="gd_officer")
        gd = services.open_call(user=officer, call=gd)
    national = _call(NATIONAL_TITLE, {
        "document_number": "商办服贸函〔2019〕245号",
        "issuers": "商务部办公厅\n中央网信办秘书局\n工业和信息化部办公厅",
        "level": Call.Level.NATIONAL, "organiser": ministry, "region": None,
        "park_types": ["edz", "htz", "digital_park"],
        "recommending_tier": Call.RecommendingTier.PROVINCE, "quota_per_unit": 1, "candidates_about": 10,
        "basic_conditions": NATIONAL_BASIC_CONDITIONS, "evidence_categories": DEFAULT_EVIDENCE_CATEGORIES,
        "park_deadline": datetime(2019, 8, 31, 17, 0, tzinfo=SHANGHAI),
        "recommend_deadline": datetime(2019, 8, 31, 17, 0, tzinfo=SHANGHAI),
        "publicity_days": 5, "co_review_required": True,
    }, [("east", "200.00", "100.00", "60.00", 100), ("cwn", "100.00", "50.00", "20.00", 50)],
        # The 2019 round is history: recorded as closed, without pretending anyone opened it now.
        imported_by=User.objects.get(username="mofcom_officer"))
    national.co_issuers.set(Organization.objects.filter(
        name__in=["中共中央网络安全和信息化委员会办公室", "中华人民共和国工业和信息化部"]))
    return gd, national


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF (content checked by type, not by name)."""
    label = title.encode("unicode_escape").decode("ascii").replace("\\", "/")
    body = f"BT /F1 12 Tf 72 720 Td ({label}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _enterprise_parts(total: int) -> dict:
    """A realistic split of the digital-service enterprise count into its three parts."""
    both = total // 10
    trade = total * 6 // 10
    return {"enterprises_trade_direct": trade, "enterprises_outsourcing": total - trade + both,
            "enterprises_both": both, "digital_enterprise_count": total}


def dossier(park: Organization, figures: dict) -> dict:
    """Complete, valid section data for a park (figures in 亿元 as strings)."""
    f = figures
    return {
        "cover": {
            "park_name": park.name, "legal_representative": f["legal"], "contact_person": f["contact"],
            "contact_phone": f["phone"], "contact_email": f["email"], "address": f["address"],
        },
        "overview": {
            "established_on": f["established"], "area_km2": f["area"],
            "history": f["history"], "location": f["location"],
            "total_output": f["total_output"], "total_exports": f["total_exports"],
            "enterprise_count": f["enterprises"], "employee_count": f["employees"],
            "ip_count": f["ip"], "software_copyright_count": f["copyrights"],
            "pilot_experience": f["pilot"],
            "key_industries": f["industries"],
        },
        "foundations": {
            "digital_infrastructure": f["infrastructure"],
            "statistics_system": "园区依托商务部服务贸易统计监测管理信息系统（服贸直报系统）和服务外包统计系统，"
                                 "建立重点企业联系制度，按月采集企业数字服务进出口数据，实现在线统计监测。",
            "cybersecurity": "严格落实《网络安全法》《数据安全法》，设立网络安全工作领导小组，建立等级保护测评、"
                             "数据出境安全评估和应急处置机制，每年开展网络安全攻防演练。",
            "ict_output": f["ict_output"], "ict_value_added": f["ict_value_added"],
            "ict_exports": f["ict_exports"], **_enterprise_parts(f["digital_enterprises"]),
            **{k: f[k] for k in ("ict_exports_usd", "usd_rate", "usd_rate_date") if k in f},
        },
        "advantages": {
            "positioning": f["positioning"], "rd_investment": f["rd"],
            "policy_support": f["policy_support"],
            "leading_enterprises": f["leaders"],
            "leading_talent": f["talent"],
            "policies": f["policies"],
        },
        "plans": {"plans": f["plans"]},
    }


PAZHOU = {
    "legal": "陈志雄", "contact": "陈立明", "phone": "020-89091234", "email": "pazhou@demo.gov.cn",
    "address": "广州市海珠区琶洲大道东1号", "established": "2019-03-18", "area": "10.38",
    "history": "2019年，广州人工智能与数字经济试验区获批建设，琶洲核心片区作为试验区主要承载空间，"
               "已引进培育阿里巴巴、唯品会、哆啦科技、青木数字等一批数字服务贸易领域代表性企业。",
    "location": "位于广州市海珠区东北部，珠江南岸，毗邻广州国际会展中心，地铁8号线、18号线贯通。",
    "total_output": "1050.00", "total_exports": "86.40", "enterprises": 32000, "employees": 186000,
    "ip": 12850, "copyrights": 9640,
    "pilot": "率先开展数据要素市场化配置改革试点，建设粤港澳大湾区数据特区，推动跨境数据流动试点。",
    "industries": [
        {"name": "人工智能", "output": "210.50", "description": "计算机视觉、语音识别与智能客服"},
        {"name": "电子商务", "output": "420.00", "description": "跨境电商平台与直播电商"},
        {"name": "数字创意", "output": "96.30", "description": "游戏、动漫与数字音乐"},
    ],
    "infrastructure": "累计建设5G基站超过6000座，首批15个数字新基建重大项目签约，总投资近350亿元，"
                      "覆盖云计算、5G建设、人工智能等领域。",
    "ict_output": "593.58", "ict_value_added": "238.40", "ict_exports": "1.76", "digital_enterprises": 156,
    # seed 003: 琶洲 2021 数字服务出口额 2756.1万美元, converted at the year-end central parity rate.
    "ict_exports_usd": "2756.10", "usd_rate": "6.3757", "usd_rate_date": "2021-12-31",
    "positioning": "建设成为具有全球影响力的数字经济创新发展示范区和数字服务出口集聚区。",
    "rd": "48.60", "policy_support": "广州市、海珠区出台数字经济专项扶持政策，对数字服务出口企业给予奖励。",
    "leaders": [
        {"name": "阿里巴巴华南运营中心", "field": "电子商务与云计算", "exports": "0.62"},
        {"name": "唯品会（中国）有限公司", "field": "电子商务", "exports": "0.48"},
        {"name": "广州市玄武无线科技股份有限公司", "field": "企业数字化服务", "exports": "0.21"},
    ],
    "talent": [{"name": "李明远", "title": "首席科学家", "achievements": "人工智能视觉算法，国家级人才计划入选者"}],
    "policies": [{"title": "广州市加快打造数字经济创新引领型城市的若干措施", "issuer": "广州市人民政府办公厅",
                  "document_number": "穗府办〔2020〕5号", "issued_on": "2020-03-18"}],
    "plans": "以琶洲试验区为核心，打造数字贸易公共服务平台，培育数字服务出口龙头企业，"
             "力争到2025年数字服务出口额年均增长20%以上。",
}

HUANGPU = {
    "legal": "黄伟东", "contact": "黄晓燕", "phone": "020-82111234", "email": "huangpu@demo.gov.cn",
    "address": "广州市黄埔区开创大道2666号", "established": "2005-06-01", "area": "484.17",
    "history": "广州经济技术开发区成立于1984年，2005年与黄埔区实行“区政合一”管理体制，"
               "获评首批国家专业服务出口基地（知识产权）。",
    "location": "位于广州市东部，珠江黄埔港畔，是粤港澳大湾区科技创新走廊重要节点。",
    "total_output": "8936.00", "total_exports": "1620.00", "enterprises": 48000, "employees": 520000,
    "ip": 68500, "copyrights": 21300,
    "pilot": "开展知识产权运用和保护综合改革试验，建设中新广州知识城，推进营商环境改革。",
    "industries": [
        {"name": "新一代信息技术", "output": "2850.00", "description": "集成电路、新型显示与软件"},
        {"name": "知识产权服务", "output": "120.00", "description": "专利代理与知识产权运营"},
    ],
    "infrastructure": "建成工业互联网标识解析国家顶级节点（广州），数据中心机架超过2万个。",
    "ict_output": "680.00", "ict_value_added": "255.00", "ict_exports": "47.03",
    "digital_enterprises": 101,
    "positioning": "建设具有全球影响力的湾区创新策源地和数字服务出口高地。",
    "rd": "312.00", "policy_support": "出台“黄埔区数字经济20条”等政策。",
    "leaders": [
        {"name": "广州视源电子科技股份有限公司", "field": "智能交互显示与软件", "exports": "12.40"},
        {"name": "广州汽车集团研发中心", "field": "智能网联软件", "exports": "3.20"},
    ],
    "talent": [],
    "policies": [],
    "plans": "依托知识城和科学城，推动数字服务与先进制造业融合发展。",
}

SHANTOU = {
    "legal": "郑国强", "contact": "郑佳琪", "phone": "0754-88901234", "email": "shantou@demo.gov.cn",
    "address": "汕头市龙湖区科技东路1号", "established": "1992-11-09", "area": "22.50",
    "history": "汕头高新技术产业开发区于1992年经国务院批准设立，是粤东地区重要的高新技术产业集聚区。",
    "location": "位于汕头市龙湖区东部，毗邻汕头港和揭阳潮汕国际机场。",
    "total_output": "85.60", "total_exports": "12.30", "enterprises": 1260, "employees": 42000,
    "ip": 3150, "copyrights": 820,
    "pilot": "开展华侨经济文化合作试验区改革试点，推动对外贸易数字化转型。",
    "industries": [{"name": "软件和信息服务", "output": "6.20", "description": "行业应用软件与跨境电商服务"}],
    "infrastructure": "建成粤东数据中心和5G基站1200余座，实现园区千兆光网全覆盖。",
    "ict_output": "6.20", "ict_value_added": "2.40", "ict_exports": "0.38", "digital_enterprises": 12,
    "positioning": "打造粤东数字服务出口集聚区和面向东南亚华侨华人市场的数字服务平台。",
    "rd": "3.10", "policy_support": "汕头市出台数字经济发展三年行动计划。",
    "leaders": [{"name": "汕头市智慧城市科技有限公司", "field": "智慧城市软件", "exports": "0.12"}],
    "talent": [], "policies": [],
    "plans": "依托侨乡优势，发展跨境电商和面向海外华人的数字内容服务。",
}

NANSHAN = {
    **HUANGPU,
    "legal": "林国栋", "contact": "林志强", "phone": "0755-86001234", "email": "nanshan@demo.gov.cn",
    "address": "深圳市南山区高新南七道软件产业基地", "established": "2007-09-01", "area": "0.60",
    "history": "深圳软件产业基地于2007年开园，是国家软件出口基地和服务外包示范园区核心载体。",
    "location": "位于深圳市南山区粤海街道，毗邻深圳湾，紧邻高新区。",
    "total_output": "2680.00", "total_exports": "410.00", "enterprises": 1350, "employees": 98000,
    "ip": 25600, "copyrights": 18400,
    "pilot": "开展跨境数据流动和软件出口便利化试点。",
    "industries": [{"name": "软件与信息技术服务", "output": "1820.00", "description": "基础软件与云服务"}],
    "ict_output": "1820.00", "ict_value_added": "760.00", "ict_exports": "96.50", "digital_enterprises": 430,
    "leaders": [{"name": "深圳市腾讯计算机系统有限公司", "field": "云计算与数字内容", "exports": "38.20"}],
    "plans": "建设国际化软件和数字服务出口集聚区。",
}

SHANTOU_JUSTIFICATION = (
    "园区地处粤东，电信、计算机和信息服务出口额为0.38亿元，略低于粤东西北地区0.5亿元的标准；"
    "但近三年年均增长35%，且面向东南亚华侨华人市场的数字内容服务具有特殊发展潜力，恳请予以考虑。"
)
PAZHOU_JUSTIFICATION = (
    "琶洲试验区2021年数字服务出口额2756.1万美元（约合1.78亿元人民币），略低于2亿元标准；"
    "试验区集聚数字服务企业3.2万家，出口增速居全市前列，具有发展数字服务出口的特殊潜力。"
)


def _fill(application: Application, user: User, park: Organization, figures: dict, *,
          keys=None) -> None:
    data = dossier(park, figures)
    sections = {s.key: s for s in application.sections.all()}
    for key, section_data in data.items():
        if keys is not None and key not in keys:
            continue
        services.save_section(application=application, key=key, user=user, data=section_data,
                              complete=True, base_revision=sections[key].revision)


def _evidence_and_conditions(application: Application, user: User) -> None:
    names = ["园区管理机构法人证书.pdf", "2021年度园区统计公报.pdf", "数字服务出口统计报表.pdf"]
    attachments = []
    for category, name in zip(application.call.evidence_categories, names, strict=False):
        upload = SimpleUploadedFile(name, _pdf(name.encode("ascii", "ignore").decode() or "evidence"),
                                    content_type="application/pdf")
        attachments.append(services.add_attachment(application=application, user=user,
                                                   uploaded_file=upload, category=category))
    conditions = {}
    for i, _text in enumerate(application.call.basic_conditions, start=1):
        conditions[f"c{i}_declared"] = True
        conditions[f"c{i}_explanation"] = "园区符合该项条件，详见所附证明材料。"
        conditions[f"c{i}_evidence"] = [str(attachments[(i - 1) % len(attachments)].pk)]
    section = application.sections.get(key="conditions")
    services.save_section(application=application, key="conditions", user=user, data=conditions,
                          complete=True, base_revision=section.revision)


DOCUMENTS = Path(__file__).resolve().parent / "demo_documents"


def _docx(title: str, text: str) -> bytes:
    """The text of seed 000 as a Word document (paragraph per line)."""
    from io import BytesIO

    from docx import Document

    document = Document()
    document.core_properties.title = title
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def load_documents(call: Call) -> int:
    """The call's notice and its 编制指南 (the text of 粤商务服函〔2022〕122号), on the call's page."""
    if call.documents.exists():
        return 0
    officer = User.objects.get(username="gd_officer")
    for kind, name, title in (("notice", "gd2022-notice.txt", "关于组织申报第二批广东省数字服务出口基地的通知"),
                              ("guide", "gd2022-guide.txt", "广东省数字服务出口基地申报材料编制指南")):
        content = _docx(title, (DOCUMENTS / name).read_text(encoding="utf-8"))
        upload = SimpleUploadedFile(f"{title}.docx", content, content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        services.add_call_document(call=call, user=officer, uploaded_file=upload, kind=kind, title=title)
    return 2


@transaction.atomic
def load() -> dict:
    gd, _national = load_calls()
    load_documents(gd)
    plan = [
        ("park_pazhou", PAZHOU, "submit", PAZHOU_JUSTIFICATION),
        ("park_huangpu", HUANGPU, "draft", ""),
        ("park_shantou", SHANTOU, "submit", SHANTOU_JUSTIFICATION),
        ("park_nanshan", NANSHAN, "submit", ""),
    ]
    created = 0
    for username, figures, target, justification in plan:
        user = User.objects.get(username=username)
        park = user.memberships.get(role="park_admin").organization
        if Application.objects.filter(call=gd, park=park).exists():
            continue
        application = services.start_application(call=gd, park=park, user=user)
        created += 1
        if target == "draft":
            _fill(application, user, park, figures, keys={"cover", "overview"})
            continue
        _fill(application, user, park, figures)
        _evidence_and_conditions(application, user)
        services.submit_application(application=application, user=user, justification=justification)
    return {"calls": Call.objects.count(), "applications_created": created,
            "sections": len(SECTIONS)}
