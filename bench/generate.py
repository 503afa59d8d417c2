"""Generate the benchmark data set at national scale in a fresh PostgreSQL database.

Drops and recreates the database of DATABASE_URL (by default ``portal_bench``), migrates, loads the demo
data (``load_demo --force``) and adds, with ``bulk_create`` in batches:

- 50 calls in all: the demo's two, one provincial call at its expert stage ("the big call": 5,000 parks
  that passed the formal check, 25,000 assignments and 25,000 submitted score sheets, 5 per application,
  a published notice whose objection window is open now), and 47 earlier provincial calls, each with 10
  applications, a closed notice, a designation and 10 designated bases;
- 1,050 more applications waiting in the city inboxes of the demo's open Guangdong call (about a fifth of
  them in 广州, whose reviewer's inbox is measured);
- 5,000 parks over the 21 cities of Guangdong, 500 experts (users with unusable passwords, the expert
  role, a profile), 5,000 objections (2,000 on the open notice, 3,000 on the closed ones);
- one application with a large dossier (50 leading enterprises, 100 attachments), for the PDF and Word
  timings.

Workflow states are set at creation (this is a data set, not a test of the workflow). Writes the ids the
load test needs to ``bench/.data.json``. Run from the project root with DJANGO_SETTINGS_MODULE=bench.settings
(``bench/run.py`` does); refuses to touch a database whose name does not contain "bench".
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

DATA_FILE = ROOT / "bench" / ".data.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 2000

N_PARKS = 5000
N_BIG = 5000  # applications of the big call (all passed the formal check)
SHEETS_PER_APPLICATION = 5
N_EXPERTS = 500
N_INBOX = 1050  # applications added to the demo's open Guangdong call
N_HISTORY_CALLS = 47
N_HISTORY_APPLICATIONS = 10
N_OBJECTIONS_OPEN = 2000
N_OBJECTIONS_CLOSED = 3000
N_OPEN_NOTICE_ITEMS = 50

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建国志红海燕鹏宇晨欣怡浩然子涵梓萱"
PARK_KINDS = ["数字服务产业园", "软件和信息服务产业园", "数字经济产业园", "服务外包示范园区", "跨境电商产业园",
              "人工智能产业园", "数字创意产业园", "云计算产业基地", "高新技术产业开发区数字园", "经济技术开发区数字港"]
EMPLOYERS = ["大学", "理工大学", "财经大学", "师范大学", "社会科学院", "信息技术研究院", "软件评测中心",
             "数字经济研究院", "会计师事务所", "咨询有限公司"]
SPECIALTIES = ["software", "digital_content", "cloud", "data", "ai", "outsourcing", "ecommerce", "trade_policy",
               "cybersecurity", "finance", "statistics"]
# Weights of the 21 cities of Guangdong (by GB/T 2260 code) in the number of parks.
CITY_WEIGHTS = {"440100": 20, "440300": 20, "440600": 6, "441900": 6, "440400": 5, "442000": 4, "441300": 4,
                "440700": 3, "440500": 3}


STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[generate {time.perf_counter() - STARTED:6.1f} s] {message}", flush=True)


# --- the database ---------------------------------------------------------------------------------

def recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    connection = psycopg2.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                                  user=parsed.username or "postgres", password=parsed.password or None,
                                  dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    log(f"database {name} recreated")


# --- helpers --------------------------------------------------------------------------------------

def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def id_number(n: int) -> str:
    from portal.accounts.validators import id_number_check_character

    first17 = f"440106{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_number_check_character(first17)


def dt(year: int, month: int, day: int, hour: int = 17) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def call_fields(*, organiser, region, title: str, number: str, deadline: datetime, status: str) -> dict:
    from applications.forms import DEFAULT_EVIDENCE_CATEGORIES, GUANGDONG_BASIC_CONDITIONS
    from applications.models import Call

    return {
        "title": title, "document_number": number,
        "issuers": "广东省商务厅\n中共广东省委网络安全和信息化委员会办公室\n广东省工业和信息化厅",
        "level": Call.Level.PROVINCIAL, "organiser": organiser, "region": region,
        "park_types": ["outsourcing_demo", "edz", "htz", "digital_park"],
        "recommending_tier": Call.RecommendingTier.CITY, "quota_per_unit": 5,
        "basic_conditions": GUANGDONG_BASIC_CONDITIONS, "evidence_categories": DEFAULT_EVIDENCE_CATEGORIES,
        "park_deadline": deadline, "recommend_deadline": deadline + timedelta(days=20),
        "scoring_deadline": deadline + timedelta(days=60), "publicity_days": 5, "status": status,
    }


# --- the data set ---------------------------------------------------------------------------------

def parks(rng: random.Random) -> list:
    from portal.accounts.models import Organization, Region

    cities = list(Region.objects.filter(parent__code="440000", level=Region.Level.CITY).order_by("code"))
    weights = [CITY_WEIGHTS.get(c.code, 2) for c in cities]
    chosen = rng.choices(cities, weights=weights, k=N_PARKS)
    objects = [Organization(name=f"{city.name}{PARK_KINDS[i % len(PARK_KINDS)]}（第{i + 1:04d}号）管理委员会",
                            kind=Organization.Kind.PARK, region=city) for i, city in enumerate(chosen)]
    created = bulk(Organization, objects)
    log(f"{len(created)} parks over {len(cities)} cities")
    return created


def applications(call, park_list: list, *, state: str, user, submitted: datetime) -> list:
    from applications import demo
    from applications.models import Application, ApplicationVersion

    figures = [demo.PAZHOU, demo.HUANGPU, demo.SHANTOU, demo.NANSHAN]
    created = bulk(Application, [
        Application(call=call, park=park, state=state, created_by=user, latest_version_number=1,
                    submitted_at=submitted + timedelta(minutes=i)) for i, park in enumerate(park_list)])
    bulk(ApplicationVersion, [
        ApplicationVersion(application=a, number=1, data=demo.dossier(a.park, figures[i % 4]), attachments=[],
                           eligibility=[], misses=int(i % 3 == 0), submitted_by=user,
                           submitted_at=submitted + timedelta(minutes=i))
        for i, a in enumerate(created)])
    return created


def experts(rng: random.Random, officer) -> list:
    from django.contrib.auth.hashers import make_password

    from portal.accounts.models import Membership, Organization, Region, Role, User
    from review.models import ExpertProfile

    cities = list(Region.objects.filter(parent__code="440000", level=Region.Level.CITY).order_by("code"))
    employers = bulk(Organization, [
        Organization(name=f"{city.name}{EMPLOYERS[i % len(EMPLOYERS)]}（评审专家单位{i + 1:02d}）",
                     kind=Organization.Kind.OTHER, region=city)
        for i, city in enumerate(cities * 3)])
    unusable = make_password(None)
    users = bulk(User, [
        User(username=f"bench_expert_{i:03d}", full_name=person(rng), email=f"expert{i:03d}@bench.example.cn",
             password=unusable) for i in range(N_EXPERTS)])
    bulk(Membership, [Membership(user=u, organization=employers[i % len(employers)], role=Role.EXPERT)
                      for i, u in enumerate(users)])
    profiles = bulk(ExpertProfile, [
        ExpertProfile(user=u, title=rng.choice(["教授", "研究员", "副教授", "高级工程师", "注册会计师"]),
                      employer=employers[i % len(employers)], region=employers[i % len(employers)].region,
                      specialties=rng.sample(SPECIALTIES, rng.randint(1, 3)), phone="",
                      max_load=N_BIG * SHEETS_PER_APPLICATION // N_EXPERTS + 10)
        for i, u in enumerate(users)])
    log(f"{len(profiles)} experts")
    return profiles


def scores(call, apps: list, profiles: list, officer, rng: random.Random) -> int:
    from applications.models import ApplicationVersion
    from review.models import Assignment, RubricCriterion, ScoreSheet
    from review.services.scoring import ensure_default_rubric

    ensure_default_rubric(call)
    criteria = list(RubricCriterion.objects.filter(call=call).order_by("order"))
    versions = dict(ApplicationVersion.objects.filter(application__call=call).values_list("application_id", "pk"))
    now = datetime.now(tz=SHANGHAI)
    assignments = []
    for i, application in enumerate(apps):
        for j in range(SHEETS_PER_APPLICATION):
            expert = profiles[(i * SHEETS_PER_APPLICATION + j) % len(profiles)]
            assignments.append(Assignment(
                call=call, application=application, expert=expert, version_id=versions[application.pk],
                method=Assignment.Method.AUTOMATIC, assigned_by=officer, deadline=now + timedelta(days=10),
                no_conflict_confirmed_at=now - timedelta(days=5)))
    assignments = bulk(Assignment, assignments)
    sheets = []
    for a in assignments:
        quality = 0.55 + 0.4 * ((a.application_id * 7919) % 1000) / 1000  # a park's level, and noise
        values = {str(c.pk): str(min(c.max_points, Decimal(max(0.0, min(1.0, quality + rng.uniform(-0.12, 0.12)))
                                                           * float(c.max_points)).quantize(Decimal("0.1"))))
                  for c in criteria}
        sheets.append(ScoreSheet(
            assignment=a, application_id=a.application_id, version_id=a.version_id,
            status=ScoreSheet.Status.SUBMITTED, scores=values, total=sum(Decimal(v) for v in values.values()),
            comment=rng.choice(["产业基础扎实，数字服务出口规模较大。", "统计监测体系较完善，建议加强网络安全投入。",
                                "领军企业带动作用明显，规划思路清晰。", "出口额增长较快，但材料中部分数据需核实。"]),
            submitted_at=now - timedelta(days=1, minutes=len(sheets)), revision=1))
    bulk(ScoreSheet, sheets)
    log(f"{len(assignments)} assignments, {len(sheets)} submitted score sheets")
    return len(sheets)


def notice(call, apps: list, *, officer, status: str, published: datetime, opens: datetime, closes: datetime,
           n_items: int):
    from publicity.models import Notice, NoticeItem

    n = Notice.objects.create(
        call=call, title=f"{call.title}候选名单公示", status=status,
        body="根据申报通知要求，经各地级以上市推荐、形式审查和专家评审，现将候选名单予以公示。"
             "公示期间，如有异议，请以书面形式实名反映，并提供必要的证明材料。",
        contact_phone="020-38819999", contact_email="fwmy@gdcom.example.gov.cn",
        contact_address="广州市越秀区东风中路305号", publication_date=published.date(),
        window_end=closes.date(), opens_at=opens, closes_at=closes, published_by=officer, published_at=published)
    items = bulk(NoticeItem, [
        NoticeItem(notice=n, application=a, order=k + 1, park_name=a.park.name, city_name=a.park.region.name)
        for k, a in enumerate(apps[:n_items])])
    return n, items


def objections(notice_items: list[tuple], count: int, rng: random.Random, *, decided: bool, start: int) -> int:
    from publicity.models import Objection
    from publicity.services import new_tracking_code

    rows = []
    for k in range(count):
        n, items = notice_items[k % len(notice_items)]
        status = Objection.Status.DECIDED if decided else rng.choice(
            [Objection.Status.RECEIVED, Objection.Status.REGISTERED])
        rows.append(Objection(
            notice=n, item=items[k % len(items)], tracking_code=new_tracking_code(), name=person(rng),
            organization="", id_number=id_number(start + k), phone=f"139{start + k:08d}",
            email=f"objector{start + k}@bench.example.cn",
            facts="该园区申报材料中的数字服务出口额与统计部门公布的数据不一致，请予核实。",
            status=status, outcome=Objection.Outcome.NOT_UPHELD if decided else "",
            reply="经核实，申报数据与服贸直报系统数据一致，异议不成立。" if decided else "",
            ip_address=f"10.{(start + k) // 65536 % 256}.{(start + k) // 256 % 256}.{(start + k) % 256}"))
    bulk(Objection, rows)
    return len(rows)


def large_dossier(call, user) -> int:
    """One application with a large dossier: 50 leading enterprises and 100 attachments (as in
    tests/applications/test_exports.py::test_a_large_dossier_renders_in_both_formats)."""
    from applications import demo
    from applications.eligibility import evaluate, misses
    from applications.models import Application, ApplicationVersion
    from portal.accounts.models import Organization, Region

    park = Organization.objects.create(name="广州琶洲数字服务出口集聚区（大型申报材料）管理委员会",
                                       kind=Organization.Kind.PARK, region=Region.objects.get(code="440100"))
    submitted = datetime.now(tz=SHANGHAI) - timedelta(days=2)
    application = Application.objects.create(call=call, park=park, created_by=user, latest_version_number=1,
                                             state=Application.State.SUBMITTED, submitted_at=submitted)
    fields = ["人工智能", "工业互联网", "数字内容", "跨境电商", "云计算", "集成电路设计", "金融科技"]
    categories = ["营业执照及法人证书", "统计数据证明", "政策文件", "网络安全", "获奖及资质证明"]
    stored = [{"id": str(1000 + i), "category": categories[i % 5],
               "name": f"证明材料第{i + 1:03d}号——2021年度数字服务出口情况说明.pdf", "kind": "pdf",
               "size": 50_000 + i * 7919, "sha256": sha(f"1:{i}"),
               "uploaded_at": f"2022-07-0{1 + i % 7}T10:{i % 60:02d}:00+08:00"} for i in range(100)]
    ids = [a["id"] for a in stored]
    data = demo.dossier(park, demo.PAZHOU)
    data["advantages"]["leading_enterprises"] = [
        {"name": f"广州琶洲{fields[i % 7]}科技有限公司（第{i + 1}家）", "field": fields[i % 7],
         "exports": f"{0.35 + i * 0.17:.2f}"} for i in range(50)]
    data["conditions"] = {
        **{f"c{i}_declared": True for i in range(1, 7)},
        **{f"c{i}_explanation": f"第{i}项条件的说明：已满足，详见证明材料。" for i in range(1, 7)},
        **{f"c{i}_evidence": ids[i * 10:i * 10 + 10] for i in range(1, 7)},
    }
    merged = {k: v for section in data.values() for k, v in section.items()}
    criteria = evaluate(call=call, region=park.region, data=merged)
    version = ApplicationVersion.objects.create(
        application=application, number=1, data=data, attachments=stored,
        eligibility=[c.as_dict() for c in criteria], misses=len(misses(criteria)), submitted_by=user,
        submitted_at=submitted)
    return version.pk


def generate() -> dict:
    from django.db import transaction

    from applications.demo import GUANGDONG_TITLE
    from applications.models import Application, Call
    from portal.accounts.models import Organization, Region, User
    from portal.home.caching import bump_public_cache
    from publicity.models import DesignatedBase, Designation, Notice

    rng = random.Random(2024)
    officer = User.objects.get(username="gd_officer")
    park_user = User.objects.get(username="park_pazhou")
    organiser = Organization.objects.get(name="广东省商务厅")
    guangdong = Region.objects.get(code="440000")
    now = datetime.now(tz=SHANGHAI)

    with transaction.atomic():
        park_list = parks(rng)
        profiles = experts(rng, officer)

        # The big call: expert stage, 5,000 applications that passed the formal check.
        big = Call.objects.create(**call_fields(
            organiser=organiser, region=guangdong, title="第三批广东省数字服务出口基地申报（全国规模性能测试）",
            number="粤商务服函〔2025〕88号", deadline=now - timedelta(days=60), status=Call.Status.CLOSED))
        big_apps = applications(big, park_list[:N_BIG], state=Application.State.FORMAL_PASSED, user=park_user,
                                submitted=now - timedelta(days=70))
        log(f"big call {big.pk}: {len(big_apps)} applications")
        n_sheets = scores(big, big_apps, profiles, officer, rng)

        # The demo's open Guangdong call: 1,050 more applications in the cities' inboxes (广州 250).
        gd = Call.objects.get(title=GUANGDONG_TITLE)
        states = [Application.State.SUBMITTED] * 6 + [Application.State.APPROVED, Application.State.RETURNED,
                                                      Application.State.REJECTED, Application.State.RECOMMENDED]
        inbox_apps = []
        for k, state in enumerate(states):
            chunk = park_list[k::len(states)][:N_INBOX // len(states)]
            inbox_apps += applications(gd, chunk, state=state, user=park_user, submitted=now - timedelta(days=5))
        guangzhou = Region.objects.get(code="440100")
        inbox_gz = Application.objects.filter(call=gd, park__region=guangzhou).count()
        log(f"open call {gd.pk}: {len(inbox_apps)} more applications, {inbox_gz} of them in 广州")
        large_version = large_dossier(gd, park_user)

        # The notice of the big call, open for objections now.
        open_notice, open_items = notice(big, big_apps, officer=officer, status=Notice.Status.PUBLISHED,
                                         published=now - timedelta(days=1), opens=now - timedelta(days=1),
                                         closes=now + timedelta(days=14), n_items=N_OPEN_NOTICE_ITEMS)

        # 47 earlier calls, each designated: closed notice, designation, 10 bases.
        closed_notices = []
        offset = N_BIG
        n_bases = 0
        for k in range(N_HISTORY_CALLS):
            year = 2025 - k // 4
            deadline = dt(year, 1 + (k % 4) * 3, 15)
            call = Call.objects.create(**call_fields(
                organiser=organiser, region=guangdong, title=f"{year}年第{k % 4 + 1}批广东省数字服务出口基地申报",
                number=f"粤商务服函〔{year}〕{100 + k}号", deadline=deadline, status=Call.Status.CLOSED))
            chunk = park_list[offset % N_PARKS:offset % N_PARKS + N_HISTORY_APPLICATIONS]
            offset += N_HISTORY_APPLICATIONS
            apps = applications(call, chunk, state=Application.State.FORMAL_PASSED, user=park_user,
                                submitted=deadline - timedelta(days=3))
            published = deadline + timedelta(days=70)
            n, items = notice(call, apps, officer=officer, status=Notice.Status.CLOSED, published=published,
                              opens=published, closes=published + timedelta(days=7), n_items=N_HISTORY_APPLICATIONS)
            closed_notices.append((n, items))
            designation = Designation.objects.create(
                call=call, notice=n, document_number=f"粤商务服字〔{year}〕{20 + k}号",
                document_date=(published + timedelta(days=14)).date(), title=f"关于认定{call.title}结果的通知",
                published_by=officer)
            bulk(DesignatedBase, [
                DesignatedBase(designation=designation, application=a, name=a.park.name.removesuffix("管理委员会"),
                               province="广东省", city=a.park.region.name, level=DesignatedBase.Level.PROVINCIAL,
                               batch=f"{year}年第{k % 4 + 1}批广东省数字服务出口基地", year=year,
                               document_number=designation.document_number, park=a.park,
                               organiser=call.organiser) for a in apps])
            n_bases += len(apps)
        log(f"{N_HISTORY_CALLS} earlier calls with closed notices and {n_bases} designated bases")

        n_objections = objections([(open_notice, open_items)], N_OBJECTIONS_OPEN, rng, decided=False, start=0)
        n_objections += objections(closed_notices, N_OBJECTIONS_CLOSED, rng, decided=True, start=N_OBJECTIONS_OPEN)
        log(f"{n_objections} objections")

    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have after a while
        cursor.execute("VACUUM ANALYZE")
    bump_public_cache()
    from review.services import refresh_ranking

    snapshot = refresh_ranking(call_id=big.pk)  # what the task does after the last sheet is submitted
    log(f"ranking of the big call stored ({snapshot.applications} applications, {snapshot.seconds:.1f} s)")
    from publicity.models import Objection
    from review.models import ScoreSheet

    return {
        "big_call": big.pk, "inbox_call": gd.pk, "open_notice": open_notice.pk, "open_item": open_items[0].pk,
        "large_version": large_version, "city_user": "city_gz", "officer_user": "gd_officer",
        "counts": {
            "calls": Call.objects.count(), "applications": Application.objects.count(),
            "applications_big_call": len(big_apps), "inbox_guangzhou": inbox_gz,
            "parks": Organization.objects.filter(kind=Organization.Kind.PARK).count(),
            "experts": len(profiles), "score_sheets": ScoreSheet.objects.count(),
            "score_sheets_big_call": n_sheets, "objections": Objection.objects.count(),
            "notices": Notice.objects.count(), "designated_bases": DesignatedBase.objects.count(),
        },
    }


def main() -> None:
    import django

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    recreate_database(url)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    log("migrated")
    call_command("load_demo", force=True, verbosity=0)
    log("demo data loaded")
    summary = generate()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    DATA_FILE.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"done in {summary['seconds']} s: {json.dumps(summary['counts'], ensure_ascii=False)}")


if __name__ == "__main__":
    main()
