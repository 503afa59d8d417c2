"""Accessibility (issue 18 point 5): axe-core (axe-playwright-python, in real Chromium) over the pages of
every role, failing on any serious or critical violation of WCAG 2.1 A/AA; and an h1 on every page.

The pages are those each role reaches from its workspace: the demo data (``load_demo``: calls, dossiers
submitted, returned and approved, the national round at its expert stage, designated bases) plus a
published notice with its countdown; from each role's workspace the links of the page are followed two
levels deep (same origin, GET pages only). Paths that differ only in their ids count as one page, and
a page scanned for one role is not scanned again for the next (except each role's workspace), so that
the scan stays within a few minutes.
"""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_full_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROLES = ["park_pazhou", "park_shantou", "city_gz", "city_sz", "sz_cac", "gd_officer", "gd_cac", "mofcom_officer",
         "expert_chen", "sysadmin", "ent_goldpac", "district_xz", "zh_fund"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}
FAILING = {"serious", "critical"}
# Not pages: files, sign-out, language switch, Django's own admin, the 2FA set-up that would change the account.
SKIP = re.compile(r"^/(admin/|static/|media/|language/|i18n/|accounts/logout|accounts/2fa/(setup|disable|recovery))"
                  r"|/(download|export|exports|pdf|docx|xlsx|file|files)(/|$)|/documents/\d+/$|\.(pdf|docx|xlsx|png|zip)$")
PER_ROLE = 30


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def scan(page, axe: Axe, found: dict, path: str) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        if violation["impact"] in FAILING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.setdefault(path, []).append(f"{violation['impact']} {violation['id']}: {violation['help']} "
                                              f"({len(violation['nodes'])}×, e.g. {targets})")
    if page.locator("h1").count() < 1:
        found.setdefault(path, []).append("no h1 on the page")


def links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            paths.append(path)
    return paths


def crawl(page, axe: Axe, origin: str, start: str, found: dict, seen: set, limit: int = PER_ROLE) -> int:
    queue, scanned = [(start, 0)], 0
    visited = set()
    while queue and scanned < limit:
        path, depth = queue.pop(0)
        key = pattern(path.split("?")[0])
        if key in visited or (depth and key in seen):  # each kind of page once (a role's own start page always)
            continue
        visited.add(key)
        response = page.goto(path)
        if response is None or response.status >= 400 or not response.headers.get("content-type", "").startswith(
                "text/html"):
            continue
        scanned += 1
        seen.add(key)
        scan(page, axe, found, page.url.removeprefix(origin))
        if depth < 2:
            queue += [(p, depth + 1) for p in links(page, origin)]
    return scanned


@pytest.fixture
def portal_data(settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    from applications.models import Application, Call
    from publicity.models import Notice, NoticeItem

    call = Call.objects.filter(level=Call.Level.PROVINCIAL).order_by("pk").first()
    today = timezone.localdate()
    notice = Notice.objects.create(
        call=call, title="第二批广东省数字服务出口基地候选名单公示",
        body="根据通知要求，经专家评审，现将候选名单予以公示。", contact_phone="020-38819191",
        contact_email="fwmy@example.gov.cn", contact_address="广州市越秀区东风中路305号",
        status=Notice.Status.PUBLISHED, publication_date=today, window_end=today + timedelta(days=7),
        closes_at=datetime.combine(today + timedelta(days=7), datetime.max.time(), tzinfo=SHANGHAI),
        published_at=timezone.now())
    for order, application in enumerate(Application.objects.filter(call=call).select_related("park"), start=1):
        NoticeItem.objects.create(notice=notice, application=application, order=order,
                                  park_name=application.park.name, city_name="广州市")
    return {"notice": notice, "today": date.today(), **fund_plan_on_notice()}


def fund_plan_on_notice() -> dict:
    """The fund (seed 004): the demo's application passed by 香洲区 and the city, the plan on notice from today with
    an objection filed on its public form; the pages the crawl does not reach from a workspace."""
    from applications.models import Application
    from funds import services as fund_services
    from portal.accounts.models import User

    application = Application.objects.get(call__programme="fund")
    officer = User.objects.get(username="zh_fund")
    fund_services.district_review(application=application, user=User.objects.get(username="district_xz"),
                                  decision="approve", opinion="材料齐全，同意推荐。")
    fund_services.city_review(application=application, user=officer, decision="evaluate", opinion="评审通过。",
                              items={r.pk: {"amount": str(r.maximum_support), "score": "85"}
                                     for r in application.item_requests.all()})
    plan = fund_services.draft_plan(call=application.call, user=officer)
    plan = fund_services.publish_plan(plan=plan, user=officer, start=timezone.localdate())
    fund_services.file_objection(plan=plan, item_request=application.item_requests.first(), values={
        "name": "王磊", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000",
        "email": "wanglei@example.com", "facts": "该项目的保险费发票开具于支持期间之外，请予核查。"})
    call = application.call.pk
    return {"fund_public": [f"/funds/calls/{call}/notice/", f"/funds/calls/{call}/notice/object/"],
            "fund_pages": {"district_xz": [f"/funds/district/{application.pk}/"],
                           "zh_fund": [f"/funds/city/calls/{call}/plan/", f"/funds/city/calls/{call}/items/",
                                       f"/funds/city/calls/{call}/plan/objections/new/", "/funds/city/calls/new/",
                                       f"/funds/city/applications/{application.pk}/"]}}


def test_no_serious_or_critical_violation_on_any_page_of_any_role(browser, live_server, portal_data):
    axe = Axe()
    origin = live_server.url
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    counts = {}

    context = browser.new_context(locale="zh-CN", base_url=origin, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    counts["public"] = crawl(page, axe, origin, "/", found, seen)
    for path in ("/accounts/login/", "/accounts/password/reset/", f"/publicity/{portal_data['notice'].pk}/",
                 *portal_data["fund_public"]):
        if page.goto(path).status < 400:
            scan(page, axe, found, path)
    context.close()

    for username in ROLES:
        context = browser.new_context(locale="zh-CN", base_url=origin, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(20000)
        sign_in(page, username)
        counts[username] = crawl(page, axe, origin, page.url.removeprefix(origin), found, seen)
        for path in portal_data["fund_pages"].get(username, []):
            if pattern(path) not in seen and page.goto(path).status < 400:
                seen.add(pattern(path))
                scan(page, axe, found, path)
        context.close()

    report = "\n".join(f"{path}\n  " + "\n  ".join(sorted(set(problems))) for path, problems in sorted(found.items()))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.txt").write_text(f"pages scanned per role: {counts}\n{report}\n", encoding="utf-8")
    # Every role's workspace and what it leads to that no other role showed already: about fifty pages.
    assert all(n >= 1 for n in counts.values()) and sum(counts.values()) >= 40, counts
    assert not found, f"pages scanned per role: {counts}\n{report}"


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[float, float, float]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def test_focus_ring_on_the_red_navbar_and_a_countdown_that_can_be_paused(page, portal_data):
    notice = portal_data["notice"]
    page.goto(f"/publicity/{notice.pk}/")
    # Keyboard focus on a link of the red bar: a visible ring of at least 3:1 against the bar.
    link = page.locator(".portal-navbar .nav-link").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = link.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
    bar = page.locator(".portal-navbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, style
    assert contrast(rgb(style[2]), rgb(bar)) >= 3, (style, bar)
    assert contrast(rgb(link.evaluate("e => getComputedStyle(e).color")), rgb(bar)) >= 4.5

    # The countdown ticks every second; the button stops and restarts it.
    countdown = page.locator(".countdown")
    toggle = page.locator("[data-countdown-toggle]")
    assert countdown.get_attribute("aria-live") == "off"
    first = countdown.inner_text()
    page.wait_for_function("t => document.querySelector('.countdown').textContent !== t", arg=first)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "继续倒计时"
    paused = countdown.inner_text()
    page.wait_for_timeout(2200)
    assert countdown.inner_text() == paused
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false" and toggle.inner_text() == "暂停倒计时"
    page.wait_for_function("t => document.querySelector('.countdown').textContent !== t", arg=paused)


def test_htmx_attributes_are_written_as_valid_data_attributes():
    from django.conf import settings

    bare = re.compile(r"(?<![-\w])hx-[a-z][a-z-]*=")
    offenders = [str(path.relative_to(settings.BASE_DIR)) for path in (settings.BASE_DIR / "templates").rglob("*.html")
                 if bare.search(path.read_text(encoding="utf-8"))]
    assert not offenders
    used = sum(path.read_text(encoding="utf-8").count("data-hx-")
               for path in (settings.BASE_DIR / "templates").rglob("*.html"))
    assert used >= 6  # the autosave, the export status and the eligibility panel still use htmx
