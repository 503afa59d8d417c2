"""The whole designation of a batch of provincial bases, through the interface only, in real Chromium.

One test, one browser context per person, from the empty portal (demo organisations and users only) to
the public directory of designated bases:

a. the provincial officer creates the call and opens it;
b. two parks (广州黄埔, 珠三角; 汕头, 粤东西北) fill every section, upload evidence, declare the conditions
   and submit; 汕头 is below the 0.5 亿元 ICT-export threshold and must justify it on the submit page;
c. 广州 returns its park's dossier with reasons, the park revises and resubmits, both cities approve,
   the four city co-reviewing departments concur and both cities send their recommendation;
d. the province passes the formal check, imports five experts from an .xlsx file, detects conflicts, opens
   the rubric and assigns automatically; each expert gets a first password through the password-reset
   e-mail, or, while no such e-mail is sent to an account without a usable password (a reported bug), from
   the system administrator in the admin;
e. each expert confirms having no conflict and scores both dossiers;
f. the province proposes the candidate list, the provincial 网信/工信 departments concur;
g. the notice is drafted and published "today" (a frozen working day);
h. a member of the public objects to the 汕头 park and gets a tracking code;
i. the province decides the objection (not upheld) and the public reads the reply;
j. after the notice period (the clock moved past it; the beat task closes the notice) the province
   designates both parks, and /bases/ lists them; last, the system administrator's screens for the guide.

The portal's clock is moved (``django.utils.timezone.now``; the live server runs in a thread of this
process) to Wednesday 2026-12-02 10:00 Asia/Shanghai for the whole test and runs on from there, so that
"today" is a working day and the deadlines entered are in the future. The browser's own clock is real
time: only the notice page's JavaScript countdown depends on it.

Screenshots for the user guides (docs/guide-*.md) are written to docs/img/ at 1280×800.
Elements are located by form field names, URLs and data-* attributes; Chinese text from the catalogue is
used only where it is the thing being checked.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
VIEWPORT = {"width": 1280, "height": 800}
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, a working day

CALL_TITLE = "第三批广东省数字服务出口基地申报"
CALL_NUMBER = "粤商务服函〔2026〕218号"
ISSUERS = "广东省商务厅\n中共广东省委网络安全和信息化委员会办公室\n广东省工业和信息化厅"
HUANGPU = "广州开发区（黄埔区）数字经济产业园管理委员会"
SHANTOU = "汕头高新技术产业开发区管理委员会"
RETURN_REASONS = "请补充2025年度数字服务出口额的统计口径说明，并按服贸直报系统数据更正电信、计算机和信息服务出口额。"
JUSTIFICATION = ("汕头高新区是粤东唯一的国家级高新区，2025年电信、计算机和信息服务出口额0.38亿元，同比增长41%；"
                 "华侨试验区跨境数据服务平台2026年投入运营后出口额预计突破0.6亿元，具有发展数字服务的特殊潜力，"
                 "恳请按“可适当降低条件”予以考虑。")
GZ_LETTER = "穗商务函〔2026〕112号"
ST_LETTER = "汕商务函〔2026〕47号"
NOTICE_CONTACTS = {"contact_phone": "020-38819191", "contact_email": "fwmy@gd.example.gov.cn",
                   "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）"}
OBJECTOR = {"name": "张明", "organization": "汕头市某信息技术有限公司", "id_number": "11010519491231002X",
            "phone": "13800138000", "email": "zhang.ming@example.com"}
FACTS = ("该园区申报材料填报的2025年度电信、计算机和信息服务出口额为0.38亿元，低于粤东西北地区0.5亿元的标准；"
         "园区所列部分企业的出口业务实际在深圳结算，不应计入。请核查其是否符合申报条件。")
REPLY = ("经核查，园区填报的出口额与服贸直报系统数据一致，所列企业均在园区注册并在园区结算；"
         "出口额低于标准的情况已在申报时说明理由，经专家评审认为该园区具有发展数字服务的特殊潜力。异议不成立。")
DESIGNATION_NUMBER = "粤商务服字〔2026〕35号"
EXPERT_PASSWORD = "Pingshen@2026dec"

EXPERTS = [  # 用户名, 姓名, 职称, 工作单位, 所在城市, 专业领域, 手机, 邮箱, 最大评审数, 是否启用, 声明关联单位
    ("sz_wanglixin", "王立新", "教授", "南方科技大学", "深圳", "软件和信息服务、服务贸易政策", "13923456781",
     "wanglx@sustech.example.cn", 10, "是", ""),
    ("sz_zhaoqing", "赵清", "研究员", "中国（深圳）综合开发研究院", "深圳", "服务贸易政策、统计", "13823456782",
     "zhaoq@cdi.example.cn", 10, "是", ""),
    ("fs_liangyonghui", "梁永辉", "教授", "佛山科学技术学院", "佛山", "大数据和数据要素", "13723456783",
     "liangyh@fosu.example.cn", 10, "是", ""),
    ("zh_chenjingmin", "陈静敏", "副教授", "北京理工大学珠海学院", "珠海", "服务外包、软件和信息服务",
     "13623456784", "chenjm@bitzh.example.cn", 10, "是", ""),
    ("dg_luoweiguo", "罗伟国", "高级经济师", "东莞理工学院", "东莞", "服务贸易政策", "13523456785",
     "luowg@dgut.example.cn", 10, "是", ""),
]

DOSSIERS = {
    "park_huangpu": {
        "cover": {"legal_representative": "黄伟东", "contact_person": "黄晓燕", "contact_phone": "020-82111234",
                  "contact_email": "huangpu@demo.gov.cn", "address": "广州市黄埔区开创大道2666号"},
        "overview": {
            "established_on": "2005-06-01", "area_km2": "484.17",
            "history": "广州经济技术开发区成立于1984年，2005年与黄埔区实行“区政合一”管理体制，"
                       "获评首批国家专业服务出口基地（知识产权）。",
            "location": "位于广州市东部，珠江黄埔港畔，是粤港澳大湾区科技创新走廊重要节点。",
            "total_output": "8936.00", "total_exports": "1620.00", "enterprise_count": "48000",
            "employee_count": "520000", "ip_count": "68500", "software_copyright_count": "21300",
            "pilot_experience": "开展知识产权运用和保护综合改革试验，建设中新广州知识城，推进营商环境改革。",
            "key_industries-0-name": "新一代信息技术", "key_industries-0-output": "2850.00",
            "key_industries-0-description": "集成电路、新型显示与软件和信息服务",
        },
        "foundations": {
            "digital_infrastructure": "建成工业互联网标识解析国家顶级节点（广州），数据中心机架超过2万个，"
                                      "5G基站实现园区全覆盖。",
            "statistics_system": "依托服贸直报系统和服务外包统计系统，建立重点企业联系制度，按月采集企业"
                                 "数字服务进出口数据，实现在线统计监测。",
            "cybersecurity": "严格落实《网络安全法》《数据安全法》，建立等级保护测评、数据出境安全评估和应急处置"
                             "机制，每年开展网络安全攻防演练。",
            "ict_output": "680.00", "ict_value_added": "255.00", "ict_exports": "47.03",
            "enterprises_trade_direct": "60", "enterprises_outsourcing": "51", "enterprises_both": "10",
        },
        "advantages": {
            "positioning": "建设具有全球影响力的湾区创新策源地和数字服务出口高地。", "rd_investment": "312.00",
            "policy_support": "出台“黄埔区数字经济20条”等政策，对数字服务出口企业给予奖励。",
            "leading_enterprises-0-name": "广州视源电子科技股份有限公司",
            "leading_enterprises-0-field": "智能交互显示与软件", "leading_enterprises-0-exports": "12.40",
        },
        "plans": {"plans": "依托知识城和科学城，推动数字服务与先进制造业融合发展；到2028年数字服务出口额年均增长"
                           "15%以上，培育10家以上数字服务出口龙头企业。"},
        "evidence": ["园区管理机构法人证书.pdf", "2025年度园区统计公报.pdf", "数字服务出口统计报表.pdf"],
    },
    "park_shantou": {
        "cover": {"legal_representative": "陈少雄", "contact_person": "郑佳琪", "contact_phone": "0754-88812345",
                  "contact_email": "shantou@demo.gov.cn", "address": "汕头市龙湖区科技中路8号"},
        "overview": {
            "established_on": "1992-11-09", "area_km2": "31.50",
            "history": "汕头高新技术产业开发区1992年经国务院批准设立，是粤东地区唯一的国家级高新区。",
            "location": "位于汕头市龙湖区，毗邻汕头港和华侨经济文化合作试验区。",
            "total_output": "326.50", "total_exports": "58.20", "enterprise_count": "2300",
            "employee_count": "68000", "ip_count": "5200", "software_copyright_count": "1860",
            "pilot_experience": "承担华侨经济文化合作试验区跨境数据服务先行先试任务，探索侨资企业数字服务出口便利化。",
            "key_industries-0-name": "软件和信息服务", "key_industries-0-output": "18.60",
            "key_industries-0-description": "工业软件、跨境电商服务平台",
        },
        "foundations": {
            "digital_infrastructure": "建成粤东大数据中心和国际海缆登陆站配套设施，千兆光网覆盖全部楼宇。",
            "statistics_system": "建立园区数字服务企业名录库，按季度通过服贸直报系统采集和核对企业出口数据。",
            "cybersecurity": "落实《网络安全法》《数据安全法》，设立园区网络安全应急指挥中心，"
                             "重点企业通过等保三级测评。",
            "ict_output": "18.60", "ict_value_added": "7.90", "ict_exports": "0.38",
            "enterprises_trade_direct": "15", "enterprises_outsourcing": "10", "enterprises_both": "2",
        },
        "advantages": {
            "positioning": "打造粤东数字服务出口门户和面向东南亚华侨华人市场的数字服务枢纽。", "rd_investment": "9.80",
            "policy_support": "汕头市出台《关于加快数字经济发展的若干措施》，对数字服务出口给予奖励。",
            "leading_enterprises-0-name": "汕头市跨境通数字科技有限公司",
            "leading_enterprises-0-field": "跨境电商服务与数据服务", "leading_enterprises-0-exports": "0.12",
        },
        "plans": {"plans": "依托华侨试验区建设跨境数据服务平台，三年内引进数字服务企业50家，"
                           "数字服务出口额突破1亿元。"},
        "evidence": ["汕头高新区管委会法人证书.pdf", "2025年度汕头高新区统计公报.pdf", "汕头高新区服贸直报数据.pdf"],
    },
}
SECTION_KEYS = ["cover", "overview", "foundations", "advantages", "plans", "evidence", "conditions"]
SAVE = 'button[name="_action"][value="save"]'


# --- the clock ------------------------------------------------------------------------------------

class Clock:
    """``django.utils.timezone.now`` moved to a chosen moment and running on from there."""

    def __init__(self, monkeypatch, start: datetime):
        self._real = timezone.now
        self.jump_to(start)
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self) -> datetime:
        return self._base + (self._real() - self._origin)

    def jump_to(self, moment: datetime) -> None:
        self._origin = self._real()
        self._base = moment.astimezone(UTC)


# --- helpers --------------------------------------------------------------------------------------

def shot(page: Page, name: str, focus: Locator | None = None) -> None:
    """A guide screenshot: docs/img/<name>.png, the 1280×800 viewport (scrolled to ``focus`` if given)."""
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    if focus is not None:
        focus.first.scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=False)


def _new_page(browser: Browser, base_url: str, contexts: list) -> Page:
    context = browser.new_context(locale="zh-CN", base_url=base_url, viewport=VIEWPORT)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def sign_in(page: Page, username: str, password: str | None = None) -> None:
    from portal.accounts.demo import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.locator('main [name="username"]').fill(username)
    page.locator('main [name="password"]').fill(password or DEMO_PASSWORD)
    page.locator('main form button[type="submit"]').click()
    page.wait_for_url("**/workspace/**")


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that submits a form or follows a link, and wait for the next page to load."""
    with page.expect_navigation():
        target.click()


def success(page: Page) -> Locator:
    return page.locator("main .messages .alert-success")


def state_is(page: Page, state: str) -> None:
    expect(page.locator('[data-testid="application-state"]')).to_have_class(re.compile(rf"\bstate-{state}\b"))


def _fill(page: Page, values: dict) -> None:
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(value)


def _save_section(page: Page, app_id: str, key: str) -> None:
    following = SECTION_KEYS[SECTION_KEYS.index(key) + 1]
    page.locator(SAVE).click()
    page.wait_for_url(f"**/applications/{app_id}/section/{following}/")
    expect(page.locator(f'[data-section="{key}"]')).to_have_attribute("data-complete", "1")


def fill_dossier(page: Page, app_id: str, dossier: dict, tmp_path: Path, guide: bool) -> None:
    """Every section of the dossier, through the forms; screenshots for the park guide if ``guide``."""
    from applications.demo import _pdf

    expect(page.locator('[name="park_name"]')).not_to_have_value("")  # prefilled from the organisation
    _fill(page, dossier["cover"])
    if guide:
        shot(page, "guide-park-02-cover")
    _save_section(page, app_id, "cover")

    _fill(page, dossier["overview"])
    if guide:
        shot(page, "guide-park-03-overview", page.locator('[data-rows="key_industries"]'))
    _save_section(page, app_id, "overview")

    _fill(page, dossier["foundations"])
    if guide:
        expect(page.locator("#autosave-status")).not_to_be_empty()  # kept automatically as typed
        shot(page, "guide-park-04-foundations", page.locator('[name="ict_exports"]'))
    _save_section(page, app_id, "foundations")

    _fill(page, dossier["advantages"])
    _save_section(page, app_id, "advantages")
    _fill(page, dossier["plans"])
    _save_section(page, app_id, "plans")

    categories = page.locator('select[name="category"] option').evaluate_all(
        "options => options.map(o => o.value).filter(v => v)")
    assert len(categories) == 3
    upload = page.locator(f'form[action$="/applications/{app_id}/attachments/"] button[type="submit"]')
    for number, (category, name) in enumerate(zip(categories, dossier["evidence"], strict=True), start=1):
        path = tmp_path / name
        path.write_bytes(_pdf(f"{app_id} evidence {number}"))
        page.locator('select[name="category"]').select_option(category)
        page.locator('input[name="file"]').set_input_files(path)
        click_and_wait(page, upload)
        expect(page.locator('[data-testid="attachments"]')).to_contain_text(name)
    expect(page.locator('[data-testid="attachments"] tbody tr')).to_have_count(3)
    expect(page.locator('[data-section="evidence"]')).to_have_attribute("data-complete", "1")
    if guide:
        shot(page, "guide-park-05-evidence", page.locator('[data-testid="attachments"]'))

    page.goto(f"/applications/{app_id}/section/conditions/")
    for i in range(1, 7):
        name = dossier["evidence"][(i - 1) % 3]
        page.locator(f'[name="c{i}_declared"]').check()
        page.locator(f'[name="c{i}_explanation"]').fill(
            f"园区符合第{i}项基本条件，详见所附《{name.removesuffix('.pdf')}》。")
        page.locator(f'fieldset:has([name="c{i}_declared"])').get_by_label(name).check()
    if guide:
        shot(page, "guide-park-06-conditions")
    page.locator(SAVE).click()
    page.wait_for_url(f"**/applications/{app_id}/submit/")
    expect(page.locator('[data-section][data-complete="1"]')).to_have_count(len(SECTION_KEYS))


def start_application(page: Page, call_id: int) -> str:
    page.locator(f'form[action$="/applications/calls/{call_id}/start/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/applications/\d+/section/cover/$"))
    state_is(page, "draft")
    return re.search(r"/applications/(\d+)/section/", page.url).group(1)


def decide(page: Page, decision: str, *, opinion: str = "", reasons: str = "") -> None:
    """The city's checklist (every condition met) and decision on the review page."""
    for radio in page.locator('input[name$="_status"][value="met"]').all():
        radio.check()
    page.locator('textarea[name="opinion"]').fill(opinion)
    page.locator(f'input[name="decision"][value="{decision}"]').check()
    page.locator('textarea[name="reasons"]').fill(reasons)


def experts_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    from review.imports import TEMPLATE_HEADERS

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评审专家"
    sheet.append(TEMPLATE_HEADERS)
    for row in EXPERTS:
        sheet.append(list(row))
    workbook.save(path)
    return path


def reset_link(outbox: list, email: str) -> str | None:
    """The path of the password-reset link in the last e-mail sent to ``email``, if any."""
    for message in reversed(outbox):
        found = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
        if email in message.to and found:
            return found.group(1)
    return None


# --- the journey ----------------------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch, START)


@pytest.fixture
def people(browser: Browser, live_server) -> Callable[..., Page]:
    """``people(username)``: a signed-in page in a browser context of its own; ``people(None)``: anonymous."""
    contexts: list = []

    def open_page(username: str | None, password: str | None = None) -> Page:
        page = _new_page(browser, live_server.url, contexts)
        if username:
            sign_in(page, username, password)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_batch_of_bases_from_the_call_to_the_public_directory(demo, clock, people, tmp_path):
    from django.core import mail

    from applications.models import Application
    from publicity.models import Objection
    from publicity.services import close_due_notices
    from review.services.scoring import DEFAULT_RUBRIC

    # a. The provincial officer creates the call (thresholds and conditions prefilled) and opens it.
    province = people("gd_officer")
    assert province.url.endswith("/workspace/province/")
    expect(province.locator("main")).to_contain_text("广东省商务厅")
    click_and_wait(province, province.locator('main a[href$="/applications/calls/new/"]'))
    province.locator('[name="title"]').fill(CALL_TITLE)
    province.locator('[name="document_number"]').fill(CALL_NUMBER)
    province.locator('[name="issuers"]').fill(ISSUERS)
    # 会同: the province's 网信 and 工信 departments are proposed as the co-issuers.
    for name in ("中共广东省委网络安全和信息化委员会办公室", "广东省工业和信息化厅"):
        expect(province.get_by_label(name, exact=True)).to_be_checked()
    expect(province.locator('[name="level"]')).to_have_value("provincial")
    expect(province.locator('[name="quota_per_unit"]')).to_have_value("5")
    expect(province.locator('[name="publicity_days"]')).to_have_value("5")
    for box in province.locator('input[name="park_types"]').all():
        box.check()
    province.locator('[name="park_deadline"]').fill("2026-12-18T17:30")
    province.locator('[name="recommend_deadline"]').fill("2026-12-28T17:30")
    expect(province.locator('[name="experts_per_application"]')).to_have_value("5")
    province.locator('[name="scoring_deadline"]').fill("2026-12-31T17:30")
    expect(province.locator('[name="thresholds-0-ict_exports"]')).to_have_value("2.00")  # 珠三角
    expect(province.locator('[name="thresholds-1-ict_exports"]')).to_have_value("0.50")  # 粤东西北
    expect(province.locator('[name="basic_conditions"]')).to_contain_text("独立法人资格")
    shot(province, "guide-province-01-new-call", province.locator('[name="park_deadline"]'))
    click_and_wait(province, province.locator('main form button[type="submit"]'))
    assert re.search(r"/applications/calls/\d+/$", province.url), province.url
    call_id = int(re.search(r"/calls/(\d+)/$", province.url).group(1))
    expect(success(province)).to_be_visible()
    expect(province.locator("main .badge.call-draft")).to_be_visible()
    click_and_wait(province, province.locator(f'form[action$="/applications/calls/{call_id}/open/"] button'))
    expect(province.locator("main .badge.call-open")).to_be_visible()
    expect(province.locator("main h1")).to_have_text(CALL_TITLE)
    shot(province, "guide-province-02-call-open")

    # b. Two parks start their applications and fill every section.
    apps: dict[str, str] = {}
    parks: dict[str, Page] = {}
    for username in ("park_huangpu", "park_shantou"):
        guide = username == "park_huangpu"
        park = parks[username] = people(username)
        assert park.url.endswith("/workspace/park/")
        start_form = park.locator(f'form[action$="/applications/calls/{call_id}/start/"]')
        expect(start_form).to_be_visible()
        if guide:
            shot(park, "guide-park-01-start", start_form)
        apps[username] = start_application(park, call_id)
        fill_dossier(park, apps[username], DOSSIERS[username], tmp_path, guide)

    # b'. 黄埔 meets every threshold: nothing to justify.
    park = parks["park_huangpu"]
    expect(park.locator('[name="justification"]')).to_have_count(0)
    park.locator('[name="confirm"]').check()
    shot(park, "guide-park-07-submit")
    click_and_wait(park, park.locator('form:has([name="confirm"]) button[type="submit"]'))
    assert park.url.endswith(f"/applications/{apps['park_huangpu']}/versions/1/")
    state_is(park, "submitted")
    shot(park, "guide-park-08-version")

    # b''. 汕头 exports 0.38 亿元, below 0.5 for 粤东西北: submitting needs a justification.
    park = parks["park_shantou"]
    expect(park.locator('.eligibility-table tr[data-criterion="ict_exports"]')).to_have_class(
        re.compile(r"\btable-warning\b"))
    park.locator('[name="confirm"]').check()
    click_and_wait(park, park.locator('form:has([name="confirm"]) button[type="submit"]'))
    justification = park.locator('[name="justification"]')
    expect(justification).to_have_class(re.compile(r"\bis-invalid\b"))
    state_is(park, "draft")
    justification.fill(JUSTIFICATION)
    park.locator('[name="confirm"]').check()
    shot(park, "guide-park-11-justification", justification)
    click_and_wait(park, park.locator('form:has([name="confirm"]) button[type="submit"]'))
    assert park.url.endswith(f"/applications/{apps['park_shantou']}/versions/1/")
    state_is(park, "submitted")
    expect(park.locator('[data-testid="misses"]')).to_be_visible()

    # c1. 广州 returns the 黄埔 dossier with reasons.
    hp, st = apps["park_huangpu"], apps["park_shantou"]
    inbox_path = f"/review/calls/{call_id}/inbox/"
    gz = people("city_gz")
    assert gz.url.endswith("/workspace/city/")
    click_and_wait(gz, gz.locator(f'main a[href$="{inbox_path}"]').first)
    row = gz.locator(f'[data-testid="inbox"] tr[data-application="{hp}"]')
    expect(row).to_contain_text(HUANGPU)
    expect(row.locator(".badge[class*=state-]")).to_have_class(re.compile(r"\bstate-submitted\b"))
    expect(gz.locator(f'[data-testid="inbox"] tr[data-application="{st}"]')).to_have_count(0)  # not 广州's
    shot(gz, "guide-city-01-inbox")
    click_and_wait(gz, row.locator(f'a[href$="/review/applications/{hp}/"]'))
    decide(gz, "return", reasons=RETURN_REASONS)
    shot(gz, "guide-city-02-review", gz.locator('textarea[name="reasons"]'))
    click_and_wait(gz, gz.locator('form:has([name="decision"]) button[type="submit"]'))
    assert gz.url.endswith(inbox_path)
    expect(success(gz)).to_be_visible()
    expect(row.locator(".badge[class*=state-]")).to_have_class(re.compile(r"\bstate-returned\b"))

    # c2. The park reads the reasons, corrects the export figure, adds a note on it and resubmits.
    park = parks["park_huangpu"]
    park.goto("/workspace/park/")
    expect(park.locator("main tr", has_text=CALL_TITLE).locator(".badge")).to_have_class(
        re.compile(r"\bstate-returned\b"))
    click_and_wait(park, park.locator(f'main a[href$="/applications/{hp}/"]').first)
    state_is(park, "returned")
    expect(park.locator('[data-testid="rounds"]')).to_contain_text(RETURN_REASONS)
    shot(park, "guide-park-09-returned", park.locator('[data-testid="rounds"]'))
    park.goto(f"/applications/{hp}/section/foundations/")
    park.locator('[name="ict_exports"]').fill("52.16")
    park.locator('[name="statistics_system"]').fill(
        DOSSIERS["park_huangpu"]["foundations"]["statistics_system"]
        + "出口额按服贸直报系统“电信、计算机和信息服务”口径统计，2025年度为52.16亿元。")
    shot(park, "guide-park-10-revise", park.locator('[name="ict_exports"]'))
    _save_section(park, hp, "foundations")
    park.goto(f"/applications/{hp}/submit/")
    park.locator('[name="confirm"]').check()
    click_and_wait(park, park.locator('form:has([name="confirm"]) button[type="submit"]'))
    assert park.url.endswith(f"/applications/{hp}/versions/2/")
    state_is(park, "submitted")

    # c3. 广州 sees what changed and approves; 汕头 reads the justification and approves.
    gz.goto(f"/review/applications/{hp}/")
    changes = gz.locator('[data-testid="changes"]')
    figure = changes.locator("tbody tr", has=gz.locator("td.diff-new", has_text=re.compile(r"^52\.16$")))
    expect(figure.locator("td.diff-old")).to_have_text("47.03")
    expect(changes.locator("tbody tr")).to_have_count(2)  # the figure and the statistics text
    decide(gz, "approve", opinion="园区数字服务出口规模大，统计口径已按要求说明，同意推荐。")
    shot(gz, "guide-city-03-changes", changes)
    click_and_wait(gz, gz.locator('form:has([name="decision"]) button[type="submit"]'))
    expect(row.locator(".badge[class*=state-]")).to_have_class(re.compile(r"\bstate-approved\b"))

    stc = people("city_st")
    click_and_wait(stc, stc.locator(f'main a[href$="{inbox_path}"]').first)
    st_row = stc.locator(f'[data-testid="inbox"] tr[data-application="{st}"]')
    expect(st_row.locator('[data-testid="misses-flag"]')).to_be_visible()
    click_and_wait(stc, st_row.locator(f'a[href$="/review/applications/{st}/"]'))
    expect(stc.locator('[data-testid="justification"]')).to_contain_text("特殊潜力")
    decide(stc, "approve", opinion="出口额略低于粤东西北标准，但增长较快、理由充分，同意推荐。")
    click_and_wait(stc, stc.locator('form:has([name="decision"]) button[type="submit"]'))
    expect(st_row.locator(".badge[class*=state-]")).to_have_class(re.compile(r"\bstate-approved\b"))

    # c4. The four city departments concur, each in its own session.
    for username, app_id, opinion in (
            ("gz_cac", hp, "网络安全和数据安全管理机制健全，同意推荐。"),
            ("gz_miit", hp, "园区数字产业基础扎实，同意推荐。"),
            ("st_cac", st, "园区网络安全应急机制健全，同意推荐。"),
            ("st_miit", st, "园区软件和信息服务业发展较快，同意推荐。")):
        dept = people(username)
        assert dept.url.endswith("/workspace/coreview/")
        click_and_wait(dept, dept.locator(f'main a[href$="/review/calls/{call_id}/coreview/"]'))
        card = dept.locator(f'[data-application="{app_id}"]')
        card.locator(f'input[name="a{app_id}-stance"][value="concur"]').check()
        card.locator(f'textarea[name="a{app_id}-opinion"]').fill(opinion)
        if username == "gz_cac":
            shot(dept, "guide-coreview-01-concur", card)
        click_and_wait(dept, card.locator('form button[type="submit"]'))
        expect(card.locator('[data-testid="my-stance"]')).to_have_class(re.compile(r"\btext-bg-success\b"))
        if username == "gz_cac":
            shot(dept, "guide-coreview-02-concurred", card)
        dept.context.close()

    # c5. Each city ranks its park first and sends the joint recommendation with its letter number.
    recommendation_path = f"/review/calls/{call_id}/recommendation/"
    for city, app_id, letter in ((gz, hp, GZ_LETTER), (stc, st, ST_LETTER)):
        city.goto(inbox_path)
        click_and_wait(city, city.locator(f'main a[href$="{recommendation_path}"]').first)
        candidate = city.locator(f'[data-testid="candidates"] tr[data-application="{app_id}"]')
        expect(candidate.locator(".text-success")).to_have_count(2)  # both departments concur
        candidate.locator(f'[name="rank_{app_id}"]').fill("1")
        click_and_wait(city, city.locator('form:has(input[name="_action"][value="save"]) button[type="submit"]'))
        expect(city.locator(f'[name="rank_{app_id}"]')).to_have_value("1")
        expect(city.locator('[data-testid="gaps"]')).to_have_count(0)
        send_form = city.locator('form:has(input[name="_action"][value="send"])')
        send_form.locator('[name="letter_number"]').fill(letter)
        if city is gz:
            shot(gz, "guide-city-04-recommendation", send_form)
        click_and_wait(city, send_form.locator('button[type="submit"]'))
        expect(city.locator('[data-testid="sent"]')).to_contain_text(letter)
        if city is gz:
            shot(gz, "guide-city-05-sent")
        city.context.close()

    # d1. The province sees both recommendations and passes both dossiers at the formal check.
    province.goto("/workspace/province/")
    click_and_wait(province, province.locator(f'main a[href$="/review/calls/{call_id}/overview/"]').first)
    for code in ("440100", "440500"):
        expect(province.locator(f'[data-testid="units"] tr[data-region="{code}"] .badge')).to_have_class(
            re.compile(r"\brec-sent\b"))
    shot(province, "guide-province-03-overview", province.locator('[data-testid="units"] tr[data-region="440500"]'))
    click_and_wait(province, province.locator(f'main a[href$="/review/calls/{call_id}/formal/"]').first)
    for app_id in (hp, st):
        formal_row = province.locator(f'[data-testid="formal"] tr[data-application="{app_id}"]')
        expect(formal_row.locator(".badge[class*=state-]")).to_have_class(re.compile(r"\bstate-recommended\b"))
        formal_row.locator(f'input[name="a{app_id}-decision"][value="pass"]').check()
        if app_id == hp:
            shot(province, "guide-province-04-formal")
        click_and_wait(province, formal_row.locator('button[type="submit"]'))
        expect(success(province)).to_be_visible()
        expect(province.locator(f'[data-testid="formal"] tr[data-application="{app_id}"] .badge')).to_have_class(
            re.compile(r"\bstate-formal_passed\b"))

    # d2. Five experts (深圳, 佛山, 珠海, 东莞: none from 广州 or 汕头) imported from an .xlsx file.
    click_and_wait(province, province.locator('main .nav-tabs a[href$="/review/experts/"]'))
    province.locator('input[name="file"]').set_input_files(experts_workbook(tmp_path / "评审专家名单.xlsx"))
    click_and_wait(province, province.locator('main form[enctype="multipart/form-data"] button[type="submit"]'))
    expect(province.locator('[data-testid="import-result"]')).to_have_class(re.compile(r"\balert-success\b"))
    expect(province.locator('[data-testid="import-report"] tr[data-result="created"]')).to_have_count(len(EXPERTS))
    expect(province.locator('[data-testid="experts"] tbody tr')).to_have_count(len(EXPERTS))
    shot(province, "guide-province-05-experts")

    # d3. Conflict detection finds nothing to block; automatic assignment gives each dossier 5 experts.
    province.goto(f"/review/calls/{call_id}/conflicts/")
    click_and_wait(province, province.locator('main form[method="post"]:not([action]) button[type="submit"]'))
    expect(success(province)).to_be_visible()
    expect(province.locator('[data-testid="conflicts"] tr[data-conflict]')).to_have_count(0)
    shot(province, "guide-province-06-conflicts")

    # d3'. The rubric: the six default criteria (100 points), checked before anyone scores. Opening this tab is
    #      what creates them (bug reported: nothing else does, and an expert could submit an empty sheet).
    click_and_wait(province, province.locator('main .nav-tabs a[href$="/rubric/"]'))
    expect(province.locator('input[name$="-max_points"]')).to_have_count(len(DEFAULT_RUBRIC) + 1)  # + 1 empty row
    expect(province.locator('[name="rubric-0-name"]')).to_have_value(DEFAULT_RUBRIC[0][0])
    shot(province, "guide-province-07-rubric")
    click_and_wait(province, province.locator('main .nav-tabs a[href$="/assignments/"]'))
    click_and_wait(province, province.locator('main form[method="post"]:not([action]) button[type="submit"]'))
    expect(success(province)).to_be_visible()
    expect(province.locator('[data-testid="shortfalls"]')).to_have_count(0)
    for app_id in (hp, st):
        expect(province.locator(f'[data-testid="assignments"] tr[data-application="{app_id}"]')).to_have_attribute(
            "data-count", "5")
    shot(province, "guide-province-08-assign")

    # d4. The imported experts have no password they know: each sets one through the reset link in the e-mail.
    for number, expert_row in enumerate(EXPERTS, start=1):
        email = expert_row[7]
        page = people(None)
        page.goto("/accounts/login/")
        click_and_wait(page, page.locator('main a[href$="/accounts/password/reset/"]'))
        page.locator('main [name="email"]').fill(email)
        if number == 1:
            shot(page, "guide-expert-01-password-reset")
        click_and_wait(page, page.locator('main form button[type="submit"]'))
        assert page.url.endswith("/accounts/password/reset/done/")
        link = reset_link(mail.outbox, email)
        assert link is not None, f"no reset e-mail for {email}"
        page.goto(link)
        page.wait_for_url("**/accounts/reset/*/set-password/")
        page.locator('main [name="new_password1"]').fill(EXPERT_PASSWORD)
        page.locator('main [name="new_password2"]').fill(EXPERT_PASSWORD)
        if number == 1:
            shot(page, "guide-expert-02-set-password")
        click_and_wait(page, page.locator('main form button[type="submit"]'))
        assert page.url.endswith("/accounts/reset/done/")
        page.context.close()

    # e. Each expert confirms having no conflict, reads the dossier and scores it.
    for number, (username, *_rest) in enumerate(EXPERTS):
        expert = people(username, EXPERT_PASSWORD)
        assert expert.url.endswith("/workspace/expert/")
        tasks = expert.locator('[data-testid="tasks"] tr[data-task]')
        expect(tasks).to_have_count(2)
        expect(tasks.first).to_contain_text("2026年12月31日 17:30")  # the call's scoring deadline
        expect(expert.locator('[data-testid="tasks"]')).to_contain_text(HUANGPU)
        expect(expert.locator('[data-testid="tasks"]')).to_contain_text(SHANTOU)
        if number == 0:
            shot(expert, "guide-expert-03-tasks")
        task_paths = [a.get_attribute("href") for a in tasks.locator('a[href*="/review/tasks/"]').all()]
        for task_path in task_paths:
            expert.goto(task_path)
            park_name = expert.locator("main h1").inner_text()
            if number == 0 and park_name == HUANGPU:
                shot(expert, "guide-expert-04-conflict", expert.locator('[data-testid="conflict-check"]'))
            click_and_wait(expert, expert.locator('form:has(input[name="_action"][value="no_conflict"]) button'))
            expect(expert.locator('[data-testid="conflict-check"]')).to_have_count(0)
            expect(expert.locator('input[name^="score_"]')).to_have_count(len(DEFAULT_RUBRIC))
            factor = (Decimal("0.90") if park_name == HUANGPU else Decimal("0.80")) - Decimal(number) / 100
            for score in expert.locator('input[name^="score_"]').all():
                maximum = Decimal(score.get_attribute("max"))
                score.fill(str((maximum * factor).quantize(Decimal("0.1"))))
            expert.locator('textarea[name="comment"]').fill(
                "材料完整，数据翔实，发展思路清晰。" if park_name == HUANGPU
                else "出口规模偏小，但增长潜力和区位特色突出，理由说明充分。")
            if number == 0 and park_name == HUANGPU:
                shot(expert, "guide-expert-05-score", expert.locator('textarea[name="comment"]'))
            click_and_wait(expert, expert.locator('button[name="_action"][value="submit"]'))
            expect(expert.locator('[data-testid="sheet-status"]')).to_have_attribute("data-status", "submitted")
            expect(expert.locator('input[name^="score_"]').first).to_be_disabled()
        expert.goto("/workspace/expert/")
        with translation.override("zh-hans"):
            submitted = gettext("Submitted")
        expect(tasks.filter(has_text=submitted)).to_have_count(2)
        if number == 0:
            shot(expert, "guide-expert-06-done")
        expert.context.close()

    # f. The province ranks, proposes both parks; the provincial 网信 and 工信 departments concur.
    province.goto(f"/review/calls/{call_id}/ranking/")
    ranking = province.locator('[data-testid="ranking"]')
    expect(ranking.locator(f'tr[data-application="{hp}"] [data-rank]')).to_have_text("1")
    expect(ranking.locator(f'tr[data-application="{st}"] [data-rank]')).to_have_text("2")
    expect(province.locator('[data-testid="sheets"] tr[data-sheet]')).to_have_count(10)
    for app_id in (hp, st):
        ranking.locator(f'tr[data-application="{app_id}"] input[name="candidate"]').check()
    province.locator('textarea[name="note"]').fill("经专家评审，拟推荐以下2个园区为第三批广东省数字服务出口基地，请会签。")
    shot(province, "guide-province-09-ranking")
    click_and_wait(province, province.locator(f'form[action$="/review/calls/{call_id}/candidates/propose/"] '
                                              'button[type="submit"]'))
    assert province.url.endswith(f"/review/calls/{call_id}/candidates/")
    expect(province.locator('[data-testid="candidate-status"]')).to_have_attribute("data-status", "proposed")
    expect(province.locator('[data-testid="candidates"] li')).to_have_count(2)

    for username, opinion in (("gd_cac", "候选园区网络和数据安全管理符合要求，同意。"),
                              ("gd_miit", "候选园区产业基础较好，同意。")):
        dept = people(username)
        assert dept.url.endswith("/workspace/coreview/")
        click_and_wait(dept, dept.locator(f'main a[href$="/review/calls/{call_id}/candidates/"]'))
        dept.locator('input[name="stance"][value="concur"]').check()
        dept.locator('textarea[name="opinion"]').fill(opinion)
        if username == "gd_cac":
            shot(dept, "guide-coreview-03-candidates")
        click_and_wait(dept, dept.locator('main form button[type="submit"]'))
        expect(dept.locator('main li[data-stance="concur"]', has_text=opinion)).to_have_count(1)
        dept.context.close()
    province.reload()
    expect(province.locator('[data-testid="candidate-status"]')).to_have_attribute("data-status", "concurred")
    shot(province, "guide-province-10-candidates")

    # g. The notice: drafted from the concurred list, contacts filled in, published today.
    manage_path = f"/publicity/manage/calls/{call_id}/"
    province.goto("/workspace/province/")
    click_and_wait(province, province.locator(f'main a[href$="{manage_path}"]'))
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="draft"]) button'))
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "draft")
    _fill(province, NOTICE_CONTACTS)
    shot(province, "guide-province-11-notice-draft", province.locator('[name="contact_address"]'))
    click_and_wait(province, province.locator('[data-testid="notice-form"] button[value="save"]'))
    expect(success(province)).to_be_visible()
    publish_form = province.locator('[data-testid="notice-form"]')  # one form: the text, contacts and date
    expect(publish_form.locator('[name="publication_date"]')).to_have_value("2026-12-02")  # today, frozen
    click_and_wait(province, publish_form.locator('button[value="publish"]'))
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "published")
    expect(province.locator("main")).to_contain_text("公示期：2026年12月2日至2026年12月8日")
    shot(province, "guide-province-12-notice-published")

    # h. A member of the public reads the notice and objects to the 汕头 park, with evidence.
    from applications.demo import _pdf

    public = people(None)
    public.goto("/")
    click_and_wait(public, public.locator('header nav a[href$="/publicity/"]'))
    notice_link = public.locator('[data-testid="notices"] a', has_text=CALL_TITLE)
    click_and_wait(public, notice_link)
    window = public.locator('[data-testid="window"]').inner_text()
    found = re.fullmatch(r"公示期：(\d{4})年(\d{1,2})月(\d{1,2})日至(\d{4})年(\d{1,2})月(\d{1,2})日", window.strip())
    assert found, window
    window_end = datetime(int(found[4]), int(found[5]), int(found[6]), tzinfo=SHANGHAI)
    assert window_end.date().isoformat() == "2026-12-08"  # Wed 2, Thu 3, Fri 4, Mon 7, Tue 8
    candidates = public.locator('[data-testid="candidates"] tbody tr')
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0)).to_contain_text(HUANGPU)
    expect(candidates.nth(1)).to_contain_text(SHANTOU)
    for value in NOTICE_CONTACTS.values():
        expect(public.locator("main")).to_contain_text(value)
    shot(public, "guide-public-01-notice")
    click_and_wait(public, public.locator('main a[href$="/object/"]'))
    option = public.locator('select[name="item"] option', has_text=SHANTOU)
    public.locator('select[name="item"]').select_option(option.get_attribute("value"))
    _fill(public, {k: v for k, v in OBJECTOR.items()})
    public.locator('textarea[name="facts"]').fill(FACTS)
    evidence = tmp_path / "出口额核对情况.pdf"
    evidence.write_bytes(_pdf("objection evidence"))
    public.locator('input[name="files"]').set_input_files(evidence)
    shot(public, "guide-public-02-objection", public.locator('textarea[name="facts"]'))
    click_and_wait(public, public.locator('form:has([name="facts"]) button[type="submit"]'))
    code = public.locator('[data-testid="tracking-code"]').inner_text().strip()
    assert re.fullmatch(r"YY-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    expect(public.locator('[data-testid="status-result"]')).to_contain_text(SHANTOU)
    expect(public.locator('[data-testid="outcome"]')).to_have_count(0)
    shot(public, "guide-public-03-receipt")

    # i. The province registers the objection, investigates and decides it: not upheld, with a reply.
    province.goto(manage_path)
    objection_row = province.locator('[data-testid="objections"] tbody tr', has_text=code)
    expect(objection_row).to_contain_text(SHANTOU)
    click_and_wait(province, objection_row.locator("a"))
    expect(province.locator("main")).to_contain_text(FACTS[:30])
    expect(province.locator('main a[href*="/files/"]')).to_have_count(1)
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="register"]) button'))
    province.locator('textarea[name="text"]').fill("已调取服贸直报系统数据比对，并电话核实园区管委会。")
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="note"]) button'))
    province.locator('input[name="outcome"][value="not_upheld"]').check()
    province.locator('textarea[name="reply"]').fill(REPLY)
    shot(province, "guide-province-13-objection", province.locator('textarea[name="reply"]'))
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="decide"]) button'))
    expect(success(province)).to_be_visible()
    expect(province.locator('input[name="outcome"]')).to_have_count(0)
    expect(province.locator("main")).to_contain_text(REPLY)
    assert any(OBJECTOR["email"] in m.to and code in m.subject for m in mail.outbox)

    # i'. The objector, in a fresh browser, reads the outcome and the reply with the code and the phone.
    public.context.close()
    public = people(None)
    public.goto("/publicity/objections/status/")
    public.locator('[name="tracking_code"]').fill(code)
    public.locator('[name="phone"]').fill(OBJECTOR["phone"])
    click_and_wait(public, public.locator('main form button[type="submit"]'))
    with translation.override("zh-hans"):  # the language the zh-CN browser is served
        not_upheld = str(Objection.Outcome.NOT_UPHELD.label)
    expect(public.locator('[data-testid="outcome"]')).to_have_text(not_upheld)
    expect(public.locator('[data-testid="reply"]')).to_have_text(REPLY)
    shot(public, "guide-public-04-status")

    # j. After the notice period: the clock moves to 00:10 after the last day; the beat task closes
    #    the notice (called here in the scheduler's place); the province designates both parks.
    clock.jump_to(window_end + timedelta(days=1, minutes=10))
    assert close_due_notices() == 1
    province.goto(manage_path)
    if "/accounts/login/" in province.url:  # a staff session ends after 30 idle minutes: a week has passed
        sign_in(province, "gd_officer")
        province.goto(manage_path)
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "closed")
    designate_form = province.locator(f'form[action$="/publicity/manage/calls/{call_id}/designate/"]')
    expect(designate_form.locator('[name="document_date"]')).to_have_value("2026-12-09")
    designate_form.locator('[name="document_number"]').fill(DESIGNATION_NUMBER)
    shot(province, "guide-province-14-designate", designate_form)
    click_and_wait(province, designate_form.locator('button[type="submit"]'))
    expect(success(province)).to_be_visible()
    # 会签: the document is issued jointly; 省委网信办 countersigns in the portal, 省工信厅 signed on paper and
    # the province records it with the scan (线下会签); only then can it be published.
    countersigns = province.locator('[data-testid="countersigns"] tbody tr')
    expect(countersigns).to_have_count(2)
    expect(province.locator('form[action$="/designation/publish/"] button')).to_be_disabled()
    cac = people("gd_cac")
    cac.locator(f'a[href="/publicity/countersign/calls/{call_id}/"]').click()
    expect(cac.locator('[data-testid="designation-title"]')).to_be_visible()
    expect(cac.locator('[data-testid="designated-bases"] li')).to_have_count(2)
    cac.locator('textarea[name="opinion"]').fill("同意发文。")
    shot(cac, "guide-coreview-05-countersign")
    click_and_wait(cac, cac.locator('main form button[type="submit"]'))
    expect(success(cac)).to_be_visible()
    province.reload()
    expect(countersigns.filter(has_text="网络安全和信息化")).to_have_attribute("data-signed", "online")
    scan = tmp_path / "省工信厅会签件.pdf"
    scan.write_bytes(_pdf("countersigned"))
    offline = province.locator('[data-testid="offline-form"]')
    offline.locator('select[name="organization"]').select_option(label="广东省工业和信息化厅")
    offline.locator('input[name="scan"]').set_input_files(scan)
    shot(province, "guide-province-15a-offline-countersign", offline)
    click_and_wait(province, offline.locator('button[type="submit"]'))
    expect(success(province)).to_be_visible()
    expect(countersigns.filter(has_text="工业和信息化厅")).to_have_attribute("data-signed", "offline")
    click_and_wait(province, province.locator('form[action$="/designation/publish/"] button'))
    expect(success(province)).to_be_visible()
    designated = province.locator('[data-testid="designated"]')
    expect(designated).to_contain_text(DESIGNATION_NUMBER)
    expect(designated).to_contain_text("2026年12月9日")
    shot(province, "guide-province-15-designated", designated)

    public.goto("/bases/?level=provincial")
    bases = public.locator('[data-testid="bases"] tbody tr')
    expect(bases).to_have_count(2)
    for name in (HUANGPU, SHANTOU):
        expect(bases.filter(has_text=name)).to_contain_text(DESIGNATION_NUMBER)
    shot(public, "guide-public-05-bases")

    # The system administrator's screens: workspace, accounts and memberships, audit log, workday overrides.
    admin = people("sysadmin")
    assert admin.url.endswith("/workspace/system/")
    shot(admin, "guide-admin-01-workspace")
    admin.goto("/system/users/?q=park_")
    users = admin.locator('[data-testid="users"] tbody tr')
    from portal.accounts.models import User

    expect(users).to_have_count(User.objects.filter(username__icontains="park_").count())
    shot(admin, "guide-admin-02-users")
    click_and_wait(admin, admin.locator('[data-testid="users"] tbody tr a', has_text="park_shantou"))
    memberships = admin.locator('[data-testid="memberships"]')
    expect(memberships).to_contain_text(SHANTOU)
    expect(memberships).to_contain_text("园区管理员")
    expect(admin.locator('input[name="is_superuser"], input[name="is_staff"], [name="groups"]')).to_have_count(0)
    shot(admin, "guide-admin-03-memberships", admin.locator("main"))
    admin.goto("/system/audit/?verb=designation.published")
    audit_rows = admin.locator('[data-testid="audit-log"] tbody tr')
    expect(audit_rows).not_to_have_count(0)
    expect(audit_rows.first).to_contain_text("印发认定文件")
    shot(admin, "guide-admin-05-audit")
    admin.goto("/system/workdays/")
    admin.locator('[name="date"]').fill("2027-01-01")
    admin.locator('[name="note"]').fill("元旦")
    click_and_wait(admin, admin.locator('main form button[type="submit"]').first)
    expect(admin.locator('[data-testid="workdays"]')).to_contain_text("2027年1月1日")
    shot(admin, "guide-admin-06-workday")

    # What the screens showed is what the database holds.
    assert set(Application.objects.filter(call_id=call_id).values_list("state", flat=True)) == {"formal_passed"}
