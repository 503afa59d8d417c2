"""The revocation document (撤销基地称号的通知) as PDF and Word, laid out by the 公文 toolkit.

The text is built once by ``revocation_context`` (plain strings) and laid out by both writers, so that the PDF and
the Word document say the same thing. The layout is the designation's (``gongwen_pdf`` on ``pdf/designation.html``,
which extends ``pdf/gongwen.html``, and ``GongwenDocx.write``: body paragraphs, one table, closing paragraphs): the
same official frame, a different text. Official document text is
Chinese in code, not translated.
"""

from django.utils import timezone

from applications.models import Call
from portal.documents import EMPTY, cite_call, cn_date, cn_period
from portal.documents.docx import GongwenDocx
from portal.documents.gongwen import Gongwen, gongwen_pdf
from portal.documents.pdf import table_columns
from publicity.documents import _cn_count, bases_notice_context
from rereview.models import Revocation

COLUMNS = [("序号", 10.0, "center"), ("基地名称", 42.0, "left"), ("所在地市", 20.0, "center"),
           ("认定批次", 28.0, "left")]


def revocation_context(revocation: Revocation) -> dict:
    """Everything the document says, as plain strings."""
    from rereview.services import to_revoke

    rnd = revocation.round
    call = rnd.call
    notice = revocation.notice
    organiser = call.organiser.name
    issuers = call.issuer_list or [organiser]
    national = call.level == Call.Level.NATIONAL
    items = to_revoke(rnd, notice)
    rows = [[str(n), item.base.name, item.base.city or item.base.province or EMPTY, item.base.batch or EMPTY]
            for n, item in enumerate(items, start=1)]
    period = cn_period(notice.publication_date, notice.window_end)
    published = f"并于{period}在{organiser}门户网站公示" if period else f"并在{organiser}门户网站公示"
    body = [
        f"根据{cite_call(call)}的安排，{organiser}组织专家对认定满两年的基地{rnd.period_text}"
        f"的建设进展情况进行了复审。经专家评审，{published}，公示期间无异议或异议不成立，"
        f"下列{_cn_count(len(rows))}个基地复审不合格。",
        "依据“基地评审每两年组织一次，同时对原基地进行复审，复审不合格将取消资格”的规定，"
        "现决定撤销下列基地的数字服务出口基地称号（名单见下表）。",
    ]
    local = "各省级商务、网信、工业和信息化主管部门" if national else "各地级以上市商务、网信、工业和信息化主管部门"
    closing = [
        "被撤销称号的基地自本通知印发之日起不得再以数字服务出口基地名义开展宣传和相关活动，原享受的相关支持政策相应停止。",
        f"请{local}督促有关园区认真总结、切实整改，继续做好数字服务出口相关工作。",
    ]
    date = cn_date(revocation.document_date)
    return {
        **bases_notice_context(issuers=issuers, document_number=revocation.document_number, title=revocation.title,
                               national=national, body=body, columns=table_columns(COLUMNS), rows=rows,
                               closing=closing, date=date, period=period),
        "round_title": call.title,
    }


def revocation_gongwen(context: dict, *, created=None) -> Gongwen:
    """The frame: a 通知, the document number centred above the red rule."""
    return Gongwen(
        issuers=context["issuers"], title=context["title"], addressee=context["addressee"], date=context["date"],
        number=context["document_number"], number_position="center", signatories=context["signatories"],
        printed_by=context["printed_by"], printed_on=context["printed_on"], subject=context["round_title"],
        created=created)


def revocation_pdf(revocation: Revocation) -> bytes:
    context = revocation_context(revocation)
    gongwen = revocation_gongwen(context, created=revocation.issued_at or timezone.now())
    return gongwen_pdf("pdf/designation.html", context, gongwen)


def revocation_docx(revocation: Revocation) -> bytes:
    context = revocation_context(revocation)
    writer = GongwenDocx(revocation_gongwen(context, created=revocation.issued_at))
    return writer.write(body=context["body"], columns=context["columns"], rows=context["rows"], table_size=12,
                        after=context["closing"], closing=[context["closing_formula"]])
