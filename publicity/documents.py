"""The documents of the publicity stage, as PDF (WeasyPrint) and, for the designation, Word.

- ``notice_pdf(notice)``: the public notice (公示) of the candidate list, as published: the
  candidates in their order (an item removed later after an upheld objection is still listed: the
  notice is the text that was published), the notice period, where and how objections are made,
  the issuing department and the publication date; a withdrawn notice carries 本公示已撤回 and the
  reason.
- ``receipt_pdf(objection)``: the objection receipt (异议受理回执) for the objector, with the
  tracking code, the objector's ID and phone numbers masked, the facts, the evidence files with
  their SHA-256 and how to check the status.
- ``designation_pdf(designation)`` / ``designation_docx(designation)``: the designation document
  (认定通知) laid out by the 公文 toolkit (``portal.documents``, ``pdf/gongwen.html`` and ``GongwenDocx``):
  the issuers in red, stacked, the document number centred above the red double rule, title,
  addressee, body, the table of the designated bases, the bases' obligations, the signatories and the
  date, and the 版记 at the foot of the last page.

Each document's text is built once by a ``*_context`` function (plain strings, JSON-serialisable)
and only laid out by the writers, so the PDF and the Word designation always say the same thing.
The text is the content of official Chinese documents, not interface text: it is written in
Chinese here and is not translated.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Call
from portal.crypto import mask
from portal.documents import EMPTY, call_subject, cite_call, cn_date, cn_datetime, cn_period, paragraphs
from portal.documents.docx import GongwenDocx
from portal.documents.gongwen import Gongwen, gongwen_pdf, header_size
from portal.documents.pdf import DocumentMeta, render_pdf, table_cells, table_columns
from publicity.models import Designation, Notice, NoticeItem, Objection

SHANGHAI = ZoneInfo("Asia/Shanghai")

ADDRESSEE_PROVINCIAL = "各地级以上市商务局、党委网信办、工业和信息化局："
ADDRESSEE_NATIONAL = "各省、自治区、直辖市及计划单列市、新疆生产建设兵团商务、网信、工业和信息化主管部门："

CN_DIGITS = "零一二三四五六七八九十"

_BATCH_PREFIX = re.compile(r"^(第[一二三四五六七八九十百零〇0-9]+批)(.+)$")


# --- values --------------------------------------------------------------------------------------

def file_size(size: int | None) -> str:
    if size is None:
        return EMPTY
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"



def bases_notice_context(*, issuers: list[str], document_number: str, title: str, national: bool, body: list[str],
                         columns, rows: list[list[str]], closing: list[str], date: str, period: str) -> dict:
    """What a 通知 with a table of bases says around its body (the designation, the revocation after a
    re-review): 红头, 文号, 标题, 主送, the table, 特此通知, the signatories and the 版记."""
    return {
        "issuers": issuers,
        "header_size": header_size(issuers),
        "document_number": (document_number or "").strip(),
        "title": title,
        "addressee": ADDRESSEE_NATIONAL if national else ADDRESSEE_PROVINCIAL,
        "body": body,
        "columns": columns,
        "rows": rows,
        "bases": [row[1] for row in rows],
        "closing": closing,
        "closing_formula": "特此通知。",
        "signatories": issuers,
        "date": date,
        "period": period,
        "printed_by": issuers[0],
        "printed_on": f"{date}印发",
    }

def _cn_count(n: int) -> str:
    return CN_DIGITS[n] if 0 <= n <= 10 else str(n)


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


# --- the public notice (公示) --------------------------------------------------------------------

NOTICE_COLUMNS = [("序号", 10.0, "center"), ("园区名称", 62.0, "left"), ("所在城市", 28.0, "center")]


def notice_context(notice: Notice) -> dict:
    """Everything the notice says, as plain strings."""
    call = notice.call
    issuer = call.organiser.name
    items = sorted(notice.items.all(), key=lambda item: (item.order, item.pk))  # all, removed ones too
    rows = [[str(n), item.park_name, item.city_name or EMPTY] for n, item in enumerate(items, start=1)]
    period = cn_period(notice.publication_date, notice.window_end)
    window = f"公示期：{period}" if period else f"公示期：自发布之日起{call.publicity_days}个工作日"
    online = _absolute(reverse("publicity:object", args=[notice.pk]))
    contacts = [
        ("联系电话", notice.contact_phone),
        ("电子邮箱", notice.contact_email),
        ("通信地址", notice.contact_address),
    ]
    rules = [
        "对公示名单有异议的单位或个人，请在公示期内以书面形式提出，写明异议对象、具体事实和理由，"
        "并提供必要的证明材料。",
        "异议须实名提出。个人提出异议的，应写明本人真实姓名、身份证号码和联系方式（电话、电子邮箱）；"
        "单位提出异议的，应写明单位名称、统一社会信用代码、联系人及联系方式，并加盖单位公章。",
        f"异议材料可通过电子邮件、邮寄等书面方式提交至下列联系方式，也可在公示期内通过本门户网站"
        f"在线提交（{online}）。",
        "匿名异议、超出公示期提出的异议以及没有具体事实和理由的异议，不予受理。",
        f"{issuer}将对受理的异议进行调查核实，并将处理结果书面答复异议人。",
    ]
    withdrawn = notice.status == Notice.Status.WITHDRAWN
    return {
        "title": notice.title,
        "body": paragraphs(notice.body),
        "columns": table_columns(NOTICE_COLUMNS),
        "rows": rows,
        "parks": [row[1] for row in rows],
        "window": window,
        "period": period,
        "contacts": [{"label": label, "value": value or EMPTY} for label, value in contacts],
        "rules": [f"（{_cn_count(n)}）{text}" for n, text in enumerate(rules, start=1)],
        "issuer": issuer,
        "date": cn_date(notice.publication_date) if notice.publication_date else "",
        "draft": notice.status == Notice.Status.DRAFT,
        "withdrawn": withdrawn,
        "withdrawn_note": "本公示已撤回" if withdrawn else "",
        "withdrawn_reason": (notice.withdrawn_reason or "").strip() if withdrawn else "",
        "withdrawn_on": cn_date(timezone.localtime(notice.withdrawn_at, SHANGHAI))
        if withdrawn and notice.withdrawn_at else "",
        "call_title": call.title,
        "document_number": call.document_number,
    }


def notice_pdf(notice: Notice) -> bytes:
    """The public notice as PDF (template ``pdf/notice.html``)."""
    context = notice_context(notice)
    context["cells"] = table_cells(context["columns"], context["rows"])
    meta = DocumentMeta(title=context["title"], author=context["issuer"], subject=context["call_title"],
                        keywords=[context["document_number"]], created=notice.published_at or notice.created_at)
    return render_pdf("pdf/notice.html", context, meta=meta)


# --- the objection receipt (异议受理回执) ---------------------------------------------------------

def receipt_context(objection: Objection) -> dict:
    """Everything the receipt says, as plain strings; the ID and phone numbers only masked."""
    notice = objection.notice
    item = objection.item
    candidate = f"{item.park_name}（{item.city_name}）" if item.city_name else item.park_name
    files = sorted(objection.files.all(), key=lambda f: f.pk)
    status_url = _absolute(reverse("publicity:objection-status"))
    received = cn_datetime(objection.created_at)
    issuer = notice.call.organiser.name
    return {
        "title": "异议受理回执",
        "issuer": issuer,
        "tracking_code": objection.tracking_code,
        "fields": [
            {"label": "公示名称", "value": notice.title},
            {"label": "异议对象", "value": candidate},
            {"label": "收到时间", "value": received},
            {"label": "异议人姓名", "value": objection.name},
            {"label": "所在单位", "value": objection.organization.strip() or EMPTY},
            {"label": "证件号码", "value": mask(objection.id_number) or EMPTY},
            {"label": "手机号码", "value": mask(objection.phone) or EMPTY},
            {"label": "电子邮箱", "value": objection.email or EMPTY},
        ],
        "notice_title": notice.title,
        "candidate": candidate,
        "received": received,
        "facts": paragraphs(objection.facts) or [EMPTY],
        "files": [
            {"n": str(n), "name": f.original_name, "size": file_size(f.size), "sha256": f.sha256}
            for n, f in enumerate(files, start=1)
        ],
        "status_url": status_url,
        "status_text": [
            f"请妥善保存本回执和受理编号。您可凭受理编号 {objection.tracking_code} 和提交异议时填写的手机号码，"
            f"登录 {status_url} 查询异议的办理状态和答复意见；处理结果还将发送至您填写的电子邮箱。",
            f"本回执仅证明{issuer}已于{received}收到上述异议材料，异议是否成立以调查核实后的书面答复为准。"
            f"如有疑问，请致电 {notice.contact_phone}。",
        ],
        "date": cn_date(timezone.localtime(objection.created_at, SHANGHAI)),
    }


def receipt_pdf(objection: Objection) -> bytes:
    """The objection receipt as PDF (template ``pdf/objection_receipt.html``)."""
    context = receipt_context(objection)
    meta = DocumentMeta(title=f"{context['title']} {context['tracking_code']}", author=context["issuer"],
                        subject=context["notice_title"], keywords=[context["tracking_code"]],
                        created=objection.created_at)
    return render_pdf("pdf/objection_receipt.html", context, meta=meta)


# --- the designation (认定通知) -------------------------------------------------------------------

DESIGNATION_COLUMNS = [("序号", 10.0, "center"), ("基地名称", 62.0, "left"), ("所在地市", 28.0, "center")]


def _ordered_bases(designation: Designation) -> list:
    """The designated bases in the order of the notice (the candidate list's ranking)."""
    order = dict(NoticeItem.objects.filter(notice_id=designation.notice_id)
                 .values_list("application_id", "order"))
    bases = list(designation.bases.all())
    return sorted(bases, key=lambda b: (order.get(b.application_id, 1 << 30), b.pk))


def _place(base, national: bool) -> str:
    city = (base.city or "").strip()
    province = (base.province or "").strip()
    if national and province and not city.startswith(province):
        return f"{province}{city}"
    return city or province or EMPTY


def designated_as(subject: str) -> str:
    """``第二批广东省数字服务出口基地`` → ``第二批“广东省数字服务出口基地”``."""
    match = _BATCH_PREFIX.match(subject)
    if match:
        return f"{match.group(1)}“{match.group(2)}”"
    return f"“{subject}”"


def designation_context(designation: Designation) -> dict:
    """Everything the designation document says, as plain strings, shared by the PDF and Word."""
    call = designation.call
    notice = designation.notice
    organiser = call.organiser.name
    issuers = call.issuer_list or [organiser]
    national = call.level == Call.Level.NATIONAL
    subject = call_subject(call.title)
    bases = _ordered_bases(designation)
    rows = [[str(n), base.name, _place(base, national)] for n, base in enumerate(bases, start=1)]

    period = cn_period(notice.publication_date, notice.window_end)
    recommended = "各省级商务主管部门会同网信、工业和信息化主管部门推荐" if national else \
        "各地级以上市商务局会同党委网信办、工业和信息化局推荐"
    published = f"于{period}在{organiser}门户网站公示" if period else f"在{organiser}门户网站公示"
    body = [
        f"根据{cite_call(call)}要求，经{recommended}、专家评审，并{published}，公示期间无异议或异议不成立，"
        f"现认定以下{len(rows)}个园区为{designated_as(subject)}（名单见下表）。",
    ]
    local = "各省级商务、网信、工业和信息化主管部门" if national else "各地级以上市商务、网信、工业和信息化主管部门"
    who = f"{_cn_count(len(issuers))}部门" if len(issuers) > 1 else issuers[0]
    closing = [
        f"请{local}加强对基地建设的指导和支持，协调解决基地建设中遇到的困难和问题。",
        "各基地要对照申报材料提出的发展目标和主要任务，制定建设方案，扎实推进基地建设，积极扩大数字服务出口，"
        "发挥示范带动作用；要建立健全数字服务出口统计监测制度，按要求报送统计数据，每年报送基地建设进展情况。",
        f"{who}将对基地建设情况进行跟踪评估和定期复核，对建设成效不明显、复核不合格的基地，将予以通报直至撤销基地称号。",
    ]
    date = cn_date(designation.document_date)
    return {
        **bases_notice_context(issuers=issuers, document_number=designation.document_number, title=designation.title,
                               national=national, body=body, columns=table_columns(DESIGNATION_COLUMNS), rows=rows,
                               closing=closing, date=date, period=period),
        "subject": subject,
        "designated_as": designated_as(subject),
        "call_title": call.title,
        "call_document_number": call.document_number,
    }


def designation_gongwen(context: dict, *, created=None) -> Gongwen:
    """The frame of the designation (通知): the document number centred above the red rule."""
    return Gongwen(
        issuers=context["issuers"], title=context["title"], addressee=context["addressee"],
        date=context["date"], number=context["document_number"], number_position="center",
        signatories=context["signatories"], printed_by=context["printed_by"],
        printed_on=context["printed_on"], subject=context["call_title"], created=created,
    )


def designation_pdf(designation: Designation) -> bytes:
    """The designation document as PDF (template ``pdf/designation.html``)."""
    context = designation_context(designation)
    gongwen = designation_gongwen(context, created=designation.published_at or timezone.now())
    return gongwen_pdf("pdf/designation.html", context, gongwen)


def designation_docx(designation: Designation) -> bytes:
    """The designation document as Word (.docx), with the same content as the PDF."""
    context = designation_context(designation)
    writer = GongwenDocx(designation_gongwen(context, created=designation.published_at))
    return writer.write(body=context["body"], columns=context["columns"], rows=context["rows"], table_size=12,
                        after=context["closing"], closing=[context["closing_formula"]])
