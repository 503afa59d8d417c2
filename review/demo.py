"""Demo review decisions (python manage.py load_demo): one application returned for revision, one
approved with one co-department's concurrence, one still waiting in its city's inbox."""

from django.db import transaction

from applications.demo import GUANGDONG_TITLE
from applications.models import Application, Call
from portal.accounts.models import User
from review import services


def _checklist(call: Call, status: str = "met") -> dict:
    return {f"c{i}": {"status": status, "remark": ""} for i in range(1, len(call.basic_conditions) + 1)}


@transaction.atomic
def load() -> dict:
    call = Call.objects.get(title=GUANGDONG_TITLE)
    done = 0
    shantou = Application.objects.filter(call=call, park__name__startswith="汕头高新").first()
    if shantou and shantou.state == Application.State.SUBMITTED:
        services.decide(application=shantou, version_number=shantou.latest_version_number,
                        user=User.objects.get(username="city_st"), decision="return",
                        checklist=_checklist(call), opinion="材料基本齐全。",
                        reasons="请补充2021年度电信、计算机和信息服务出口额的统计证明材料，并说明出口增长的主要来源。")
        done += 1
    nanshan = Application.objects.filter(call=call, park__name__startswith="深圳市南山").first()
    if nanshan and nanshan.state == Application.State.SUBMITTED:
        services.decide(application=nanshan, version_number=nanshan.latest_version_number,
                        user=User.objects.get(username="city_sz"), decision="approve",
                        checklist=_checklist(call), opinion="符合申报条件，同意推荐。")
        services.co_review(application=nanshan, user=User.objects.get(username="sz_cac"),
                           stance="concur", opinion="同意推荐。")
        done += 1
    return {"decisions": done}


def _dossier_sections(call: Call) -> None:
    """The recorded 2019 applications carry their dossier sections (what version 1 holds), like
    every application started in the portal."""
    from applications.dossier import SECTIONS
    from applications.models import DossierSection

    for application in Application.objects.filter(call=call).prefetch_related("versions", "sections"):
        version = max(application.versions.all(), key=lambda v: v.number, default=None)
        have = {s.key for s in application.sections.all()}
        DossierSection.objects.bulk_create([
            DossierSection(application=application, key=s.key, data=(version.data if version else {}).get(s.key, {}),
                           complete=True)
            for s in SECTIONS if s.key not in have])


EXPERT_PROFILES = {
    # username: (title, city code, specialties, declared relations)
    "expert_chen": ("教授", "440100", ["software", "ai", "data"], ""),
    "expert_zhou": ("研究员", "440100", ["trade_policy", "outsourcing"], ""),
    "expert_li": ("教授", "440300", ["cloud", "software", "cybersecurity"], ""),
    "expert_huang": ("教授", "440500", ["digital_content", "ecommerce"], ""),
    "expert_xu": ("副教授", "440100", ["trade_policy", "finance", "statistics"], ""),
}


@transaction.atomic
def load_expert_stage() -> dict:
    """The national 2019 round at its expert stage: two Guangdong parks recommended by the province
    and passed the formal check (recorded as history), experts assigned, some sheets submitted."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from applications import demo as application_demo
    from applications.demo import NATIONAL_TITLE
    from applications.models import ApplicationVersion
    from portal.accounts.models import Organization, Region
    from portal.workflow import enter
    from review.models import Assignment, ExpertProfile, ScoreSheet

    for username, (title, city, specialties, relations) in EXPERT_PROFILES.items():
        user = User.objects.get(username=username)
        ExpertProfile.objects.update_or_create(user=user, defaults={
            "title": title, "employer": user.memberships.get(role="expert").organization,
            "region": Region.objects.get(code=city), "specialties": specialties,
            "declared_relations": relations, "max_load": 20, "phone": ""})
    national = Call.objects.get(title=NATIONAL_TITLE)
    if Application.objects.filter(call=national).exists():
        _dossier_sections(national)
        return {"expert_stage": "present"}
    officer = User.objects.get(username="mofcom_officer")
    submitted_at = datetime(2019, 8, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    parks = [("广州天河中央商务区管理委员会", application_demo.HUANGPU),
             ("深圳市南山软件产业基地管理服务中心", application_demo.NANSHAN)]
    created = []
    for name, figures in parks:
        park = Organization.objects.get(name=name)
        submitter = park.memberships.filter(role="park_admin").first()
        submitter = submitter.user if submitter else User.objects.get(username="park_huangpu")
        # History of the 2019 round, recorded as it stood when its expert review began.
        application = Application(call=national, park=park, created_by=submitter, latest_version_number=1,
                                  submitted_at=submitted_at)
        enter(application, "import_formal_passed", user=officer, organization=national.organiser)
        ApplicationVersion.objects.create(
            application=application, number=1, data=application_demo.dossier(park, figures), attachments=[],
            eligibility=[], submitted_by=submitter, submitted_at=submitted_at)
        created.append(application)
    _dossier_sections(national)
    services.ensure_default_rubric(national)
    services.detect_conflicts(call=national)
    Call.objects.filter(pk=national.pk).update(experts_per_application=3)
    national.refresh_from_db()
    services.auto_assign(call=national, user=officer)
    first_scores = {"expert_zhou": ["8", "20", "17", "21", "8", "9"], "expert_xu": ["9", "22", "18", "20", "8", "8"]}
    for assignment in Assignment.objects.filter(call=national).select_related("expert__user"):
        scores = first_scores.get(assignment.expert.user.username)
        if scores is None:
            continue
        services.confirm_no_conflict(assignment=assignment, user=assignment.expert.user)
        criteria = list(national.rubric.order_by("order"))
        services.save_sheet(assignment=assignment, user=assignment.expert.user,
                            scores={str(c.pk): v for c, v in zip(criteria, scores, strict=True)},
                            comment="产业基础扎实，数字服务出口规模较大，建议列入候选。", submit=True)
    return {"expert_stage": len(created), "sheets": ScoreSheet.objects.filter(assignment__call=national).count()}
