"""The issued funding plan (下达专项资金计划的通知) as a 公文, PDF and Word, laid out by ``portal.documents``:
the app brings only its context and body (the plan's rows, the notice period, the city government's approval)."""

from decimal import Decimal

from django.utils import timezone

from funds.selectors import plan_rows
from funds.support import yuan
from portal.documents import EMPTY, cn_date
from portal.documents.docx import GongwenDocx
from portal.documents.gongwen import Gongwen, gongwen_pdf

COLUMNS = [("序号", 7.0, "center"), ("所在区", 17.0, "left"), ("企业名称", 34.0, "left"),
           ("支持事项", 27.0, "left"), ("安排金额（万元）", 15.0, "right")]
ADDRESSEE = "横琴新区、各区（经济功能区）商务主管部门，有关企业："


def _wan(amount: Decimal) -> str:
    return f"{amount / Decimal(10000):.2f}"


def plan_context(plan) -> dict:
    call = plan.call
    organiser = call.organiser.name
    rows = plan_rows(call)
    table = [[str(n), r.application.park.region.name if r.application.park.region else EMPTY,
              r.application.park.name, f"{r.item.number}{r.item.name}", _wan(r.approved_amount)]
             for n, r in enumerate(rows, start=1)]
    total = sum((r.approved_amount for r in rows), start=Decimal("0"))
    approval = getattr(plan, "approval", None)
    period = f"{cn_date(plan.publicity_start)}至{cn_date(plan.publicity_end)}" if plan.publicity_start else ""
    approved = f"并经市人民政府同意（{approval.document_number}）" if approval else "并经市人民政府同意"
    body = [
        f"根据《珠海市内外经贸发展专项资金管理试行办法》和{call.document_number}文的要求，"
        f"经各区（经济功能区）商务部门初审、我局形式审查和评审，于{period}在我局网站公示，{approved}，"
        f"现将{plan.title}（共{len(rows)}个项目，合计{yuan(total)}）下达给你们（详见下表）。",
    ]
    closing = [
        "请各区（经济功能区）商务部门通知获得专项资金的单位配合办理资金划拨手续。各单位收到资金后，应按照国家有关规定"
        "进行帐务处理，并自觉接受财政和商务主管部门的检查；任何单位获得的项目支持资金不得超过项目实际开销。",
    ]
    date = cn_date(plan.document_date) if plan.document_date else cn_date(timezone.localdate())
    return {
        "title": f"{organiser}关于下达{plan.title}的通知",
        "number": plan.document_number, "date": date, "organiser": organiser, "body": body, "closing": closing,
        "closing_formula": "特此通知。",
        "columns": [{"label": label, "width": width, "align": align} for label, width, align in COLUMNS],
        "rows": table + [["", "", "合计", "", _wan(total)]],
        "call_title": call.title,
    }


def plan_gongwen(context: dict, *, created=None) -> Gongwen:
    return Gongwen(issuers=[context["organiser"]], title=context["title"], addressee=ADDRESSEE, date=context["date"],
                   number=context["number"], number_position="center", cc=["市财政局"],
                   subject=context["call_title"], created=created)


def plan_pdf(plan) -> bytes:
    context = plan_context(plan)
    return gongwen_pdf("pdf/fund_plan.html", context, plan_gongwen(context, created=plan.issued_at or timezone.now()))


def plan_docx(plan) -> bytes:
    context = plan_context(plan)
    return GongwenDocx(plan_gongwen(context, created=plan.issued_at)).write(
        body=context["body"], columns=context["columns"], rows=context["rows"], table_size=12,
        after=context["closing"], closing=[context["closing_formula"]])
