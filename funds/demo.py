"""Demo data of the fund programme (idempotent): the 2019 Zhuhai service-trade fund call with the nine items of
珠商〔2019〕28号, the district commerce bureaus of 珠海's districts and economic functional areas, enterprises named in
seed 004, their accounts, and one application awaiting 香洲区's preliminary review."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import services as application_services
from applications.demo import _pdf
from applications.models import Application, Call
from funds import services
from funds.items import BASIC_MATERIALS, SEED_ITEMS
from portal.accounts.demo import DEMO_PASSWORD, _org
from portal.accounts.models import Membership, Organization, Region, Role, User

CALL_TITLE = "2019年珠海市内外经贸发展专项资金（服务贸易发展事项）申报"
ORGANISER = "珠海市商务局"

DISTRICT_BUREAUS = [  # name, region code (GB/T 2260, or the project's code of a functional area)
    ("珠海市香洲区商务局", "440402"), ("珠海市金湾区商务局", "440404"), ("珠海市斗门区商务局", "440403"),
    ("横琴新区商务局", "440400X01"), ("珠海高新区商务局", "440400X02"), ("珠海高栏港经济区商务局", "440400X03"),
]

ENTERPRISES = [  # named in seed 004 (the association's newsletter and the briefing of 2019-01-30)
    ("广东飞企互联科技股份有限公司", "440402"),
    ("金邦达有限公司", "440402"),
    ("珠海欧比特宇航科技股份有限公司", "440400X02"),
    ("纬泓软件（珠海）有限公司", "440404"),
]

USERS = [
    ("ent_feiqi", "许文博", Role.ENTERPRISE_APPLICANT, "广东飞企互联科技股份有限公司"),
    ("ent_goldpac", "卢嘉怡", Role.ENTERPRISE_APPLICANT, "金邦达有限公司"),
    ("ent_weihong", "冯志成", Role.ENTERPRISE_APPLICANT, "纬泓软件（珠海）有限公司"),
    ("district_xz", "邓丽华", Role.DISTRICT_REVIEWER, "珠海市香洲区商务局"),
    ("district_jw", "苏建明", Role.DISTRICT_REVIEWER, "珠海市金湾区商务局"),
    ("zh_fund", "刘勋", Role.FUND_OFFICER, ORGANISER),
    ("zh_fund2", "陈思敏", Role.FUND_OFFICER, ORGANISER),
]


def load_accounts() -> dict:
    regions = {r.code: r for r in Region.objects.filter(code__startswith="4404")}
    K = Organization.Kind
    for name, code in DISTRICT_BUREAUS:
        _org(name, K.DISTRICT_COMMERCE, regions[code], "11")
    for name, code in ENTERPRISES:
        _org(name, K.ENTERPRISE, regions[code], "91")
    organizations = {o.name: o for o in Organization.objects.filter(name__in=[u[3] for u in USERS])}
    for username, full_name, role, org_name in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "email": f"{username}@demo.gov.cn"})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.full_name = full_name
        user.save()
        Membership.objects.get_or_create(user=user, organization=organizations[org_name], role=role)
    return {"users": len(USERS)}


def load_call() -> Call:
    """The call of 珠商〔2019〕28号, drafted by 珠海市商务局's fund officer with the guide's items and opened, kept open
    from the day the demo is loaded (so that enterprises can apply)."""
    deadline = timezone.localtime(timezone.now() + timedelta(days=30)).replace(hour=17, minute=30, second=0,
                                                                               microsecond=0)
    values = {"year": 2019, "title": CALL_TITLE, "document_number": "珠商〔2019〕28号", "park_deadline": deadline,
              "recommend_deadline": deadline + timedelta(days=14), "publicity_days": 5}
    officer = User.objects.get(username="zh_fund")
    call = Call.objects.filter(title=CALL_TITLE).first()
    if call is None:
        call = services.save_fund_call(user=officer, values=values, item_codes=[row["code"] for row in SEED_ITEMS])
    else:
        Call.objects.filter(pk=call.pk).update(park_deadline=deadline, recommend_deadline=values["recommend_deadline"])
    if call.status == Call.Status.DRAFT:
        application_services.open_call(user=officer, call=call)
    call.refresh_from_db()
    services.install_items(call)
    return call


def fill(application: Application, user, figures: dict[str, dict]) -> Application:
    """Fill every section of a fund application through the services (the enterprise, each item's figures and
    table, one file per material of the basic materials); ``figures``: item code → field values."""
    from applications.selectors import sections_of
    from funds.spec import requested_items

    sections = sections_of(application)
    enterprise = application.park
    cover = {"park_name": enterprise.name, "credit_code": enterprise.credit_code, "legal_representative": "张明",
             "contact_person": user.full_name or "联系人", "contact_phone": "0756-3628126",
             "contact_email": f"{user.username}@example.com", "address": "珠海市香洲区唐家湾镇港湾大道科技五路",
             "business": "软件研发、信息技术外包和服务外包业务，2018年离岸执行额持续增长。", "not_blacklisted": True}
    application_services.save_section(application=application, key="cover", user=user, data=cover, complete=True,
                                      base_revision=sections["cover"].revision)
    for item in requested_items(application):
        values = {f"{item.code}_{name}": value for name, value in figures[item.code].items() if name != "rows"}
        values.setdefault(f"{item.code}_description", f"{item.name}：2018年度项目情况说明。")
        if item.rows:
            values[item.rows] = figures[item.code].get("rows", [])
        application_services.save_section(application=application, key=item.section_key, user=user, data=values,
                                          complete=True, base_revision=sections[item.section_key].revision)
    for category in BASIC_MATERIALS[:1]:
        upload = SimpleUploadedFile("申请表.pdf", _pdf("application form"), content_type="application/pdf")
        application_services.add_attachment(application=application, user=user, uploaded_file=upload,
                                            category=category)
    application.refresh_from_db()
    return application


GOLDPAC_FIGURES = {
    "offshore": {"metric": "1230.50", "expenditure": "2600000.00", "requested": "300000.00",
                 "rows": [{"name": "海外银行卡个人化数据处理服务合同", "business_type": "金融后台服务",
                           "contract_amount": "1500.00", "executed_amount": "1230.50", "executed_on": "2018-12-20"}]},
    "insurance": {"expenditure": "42000.00", "requested": "42000.00",
                  "rows": [{"policy_number": "SINO-2018-0452", "insurer": "中国出口信用保险公司广东分公司",
                            "period": "2018年1月至12月", "premium": "42000.00"}]},
}


@transaction.atomic
def load() -> dict:
    load_accounts()
    call = load_call()
    goldpac = Organization.objects.get(name="金邦达有限公司")
    applicant = User.objects.get(username="ent_goldpac")
    application = Application.objects.filter(call=call, park=goldpac).first()
    if application is None:  # one application awaiting 香洲区's preliminary review
        application = services.start_application(call=call, enterprise=goldpac, user=applicant,
                                                 item_codes=["offshore", "insurance"])
        fill(application, applicant, GOLDPAC_FIGURES)
        application_services.submit_application(application=application, user=applicant)
    return {"call": call.pk, "items": call.fund_items.count(),
            "maximum": str(sum((r.maximum_support or Decimal(0) for r in application.item_requests.all()),
                               start=Decimal(0)))}
