"""The joint recommendation letter (推荐函) of a recommending unit, as PDF and Word.

The letter follows the 函 layout of 党政机关公文格式 (GB/T 9704) in spirit: the issuing bodies'
names in red, centred and stacked (joint issuance: the unit's commerce body first, then its 网信
and 工信 departments), a red double rule with the letter number (发文字号) under it on the right,
the title, the addressee (主送), the body with the ranked table of parks, 特此函告, the attachment
note, the three signatories and the date, and the 版记 (抄送 between rules) at the end.

``letter_context(recommendation)`` builds everything the letter says as plain strings (JSON-
serialisable) and ``letter_gongwen`` its frame; the 公文 toolkit (``portal.documents``) lays it out:
``render_pdf`` through ``pdf/recommendation_letter.html`` (extending ``pdf/gongwen.html``), ``render_docx``
through ``GongwenDocx``, so the two files always say the same thing.

The letter's own text is the content of an official Chinese document, not interface text: it is
written in Chinese here and is not translated.

The figures in the table come from ``item.version.data``, i.e. the exact submitted version that
was recommended, not from the park's current draft.
"""

from __future__ import annotations

from django.utils import timezone

from applications.dossier import parse_decimal, parse_int
from portal.documents import EMPTY, call_subject, cite_call, cn_date
from portal.documents.docx import GongwenDocx
from portal.documents.gongwen import Gongwen, gongwen_pdf, header_size, numbered
from portal.documents.pdf import table_columns
from review.models import Recommendation
from review.selectors import co_departments

# 序号, 园区名称, 总产值, 信息传输…产值, 电信…出口额, 企业数, 联系人及电话: (label, width %, align).
COLUMNS = [
    ("序号", 6.0, "center"),
    ("园区名称", 23.0, "left"),
    ("总产值（亿元）", 11.0, "right"),
    ("信息传输、软件和信息技术服务业产值（亿元）", 14.0, "right"),
    ("电信、计算机和信息服务出口额（亿元）", 13.0, "right"),
    ("开展数字服务业务企业数（家）", 12.0, "right"),
    ("联系人及电话", 21.0, "left"),
]



# --- text ----------------------------------------------------------------------------------------

# What is recommended, from the call's title (the toolkit's ``call_subject``; the name other code imports).
letter_subject = call_subject


def _is_organiser(issuer: str, organiser_name: str) -> bool:
    """``商务部办公厅`` is the office of ``中华人民共和国商务部``: the organiser's own line of the
    call's issuers, which is not copied (it is the addressee)."""
    if issuer == organiser_name:
        return True
    short = organiser_name.removeprefix("中华人民共和国")
    return bool(short) and issuer.startswith(short)


def copied_to(call) -> list[str]:
    """抄送: the call's co-issuers other than the organiser, in the call's order."""
    organiser = call.organiser.name
    return [issuer for issuer in call.issuer_list if not _is_organiser(issuer, organiser)]


def _money(value) -> str:
    number = parse_decimal(value)
    return f"{number:.2f}" if number is not None else EMPTY


def _count(value) -> str:
    number = parse_int(value)
    return str(number) if number is not None else EMPTY


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _row(rank: int, item) -> list[str]:
    data = item.version.data or {}
    cover = data.get("cover") or {}
    overview = data.get("overview") or {}
    foundations = data.get("foundations") or {}
    contact = "\n".join(v for v in (_text(cover.get("contact_person")), _text(cover.get("contact_phone")))
                        if v)
    return [
        str(rank),
        _text(cover.get("park_name")) or item.application.park.name,
        _money(overview.get("total_output")),
        _money(foundations.get("ict_output")),
        _money(foundations.get("ict_exports")),
        _count(foundations.get("digital_enterprise_count")),
        contact or EMPTY,
    ]


def letter_context(recommendation: Recommendation) -> dict:
    """Everything the letter says, as plain strings, shared by the PDF and the Word writer."""
    call = recommendation.call
    unit = recommendation.organization
    departments = co_departments(call, recommendation.region_id)
    issuers = [unit.name] + [d.name for d in departments]
    subject = letter_subject(call.title)
    items = list(recommendation.items.select_related("application__park", "version").order_by("rank"))
    rows = [_row(n, item) for n, item in enumerate(items, start=1)]
    parks = [row[1] for row in rows]

    sent = timezone.localtime(recommendation.sent_at) if recommendation.sent_at else timezone.localtime()
    date = cn_date(sent)
    with_whom = "、".join(d.name for d in departments)
    area = recommendation.region.name if recommendation.region_id else ""
    review = f"会同{with_whom}" if with_whom else ""
    body = [
        f"根据{cite_call(call)}要求，{unit.name}{review}组织开展了{area}{subject}申报工作，"
        f"对申报园区的申报材料进行了审核。经研究，现推荐以下{len(rows)}个园区"
        f"（按推荐顺序排列）申报{subject}，有关情况如下：",
    ]
    attachments = numbered([f"{park}申报材料" for park in parks])

    contact = ""
    if recommendation.sent_by_id:
        person = recommendation.sent_by
        name = (person.full_name or person.get_username()).strip()
        contact = f"（联系人：{name}，电话：{person.phone}）" if person.phone else f"（联系人：{name}）"

    cc = copied_to(call)
    return {
        "issuers": issuers,
        "header_size": header_size(issuers),
        "letter_number": (recommendation.letter_number or "").strip(),
        "title": f"关于推荐{subject}的函",
        "subject": subject,
        "addressee": f"{call.organiser.name}：",
        "body": body,
        "columns": table_columns(COLUMNS),
        "rows": rows,
        "parks": parks,
        "closing": "特此函告。",
        "attachments": attachments,
        "signatories": issuers,
        "date": date,
        "contact": contact,
        "cc": cc,
        "cc_text": f"{'，'.join(cc)}。" if cc else "",
        "printed_by": unit.name,
        "printed_on": f"{date}印发",
        "call_title": call.title,
        "document_number": call.document_number,
    }


# --- the 公文 ------------------------------------------------------------------------------------

def letter_gongwen(context: dict, *, created=None) -> Gongwen:
    """The frame of the letter (函): the letter number under the red rule, on the right."""
    return Gongwen(
        issuers=context["issuers"], title=context["title"], addressee=context["addressee"],
        date=context["date"], number=context["letter_number"], number_position="right",
        signatories=context["signatories"], attachments=context["attachments"], cc=context["cc"],
        printed_by=context["printed_by"], printed_on=context["printed_on"], contact=context["contact"],
        subject=context["call_title"], created=created,
    )


def render_pdf(recommendation: Recommendation) -> bytes:
    """The letter as PDF (template ``pdf/recommendation_letter.html``)."""
    context = letter_context(recommendation)
    gongwen = letter_gongwen(context, created=recommendation.sent_at or timezone.now())
    return gongwen_pdf("pdf/recommendation_letter.html", context, gongwen)


def render_docx(recommendation: Recommendation) -> bytes:
    """The letter as a Word document (.docx), with the same content as the PDF."""
    context = letter_context(recommendation)
    writer = GongwenDocx(letter_gongwen(context, created=recommendation.sent_at))
    return writer.write(body=context["body"], columns=context["columns"], rows=context["rows"],
                        closing=[context["closing"]])
