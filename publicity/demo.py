"""Demo data for the public directory: the 12 national digital service export bases of April 2020
(seed 002), an earlier national batch designated before the portal existed."""

from django.db import transaction

from portal.home.caching import bump_public_cache
from publicity.models import DesignatedBase

NATIONAL_2020 = [
    ("中关村软件园", "北京市", "北京市"),
    ("天津经济技术开发区", "天津市", "天津市"),
    ("大连高新技术产业园区", "辽宁省", "大连市"),
    ("上海浦东软件园", "上海市", "上海市"),
    ("中国（南京）软件谷", "江苏省", "南京市"),
    ("杭州高新技术产业开发区（滨江）物联网产业园", "浙江省", "杭州市"),
    ("合肥高新技术产业开发区", "安徽省", "合肥市"),
    ("厦门软件园", "福建省", "厦门市"),
    ("齐鲁软件园", "山东省", "济南市"),
    ("广州天河中央商务区", "广东省", "广州市"),
    ("海南生态软件园", "海南省", "澄迈县"),
    ("成都天府软件园", "四川省", "成都市"),
]


@transaction.atomic
def load() -> dict:
    for name, province, city in NATIONAL_2020:
        DesignatedBase.objects.update_or_create(
            name=name, level=DesignatedBase.Level.NATIONAL, batch="第一批国家数字服务出口基地",
            defaults={"province": province, "city": city, "year": 2020, "document_number": ""})
    bump_public_cache()
    return {"bases": DesignatedBase.objects.count()}


FIRST_GD_TITLE = "第一批广东省数字服务出口基地申报"
# The figures of these two parks are illustrative (the Huangpu figures with their own contacts).
OPEN_NOTICE_PARKS = [
    ("珠海高新技术产业开发区管理委员会", {
        "legal": "谭志明", "contact": "谭晓红", "phone": "0756-3629123", "email": "zhuhai@demo.gov.cn",
        "address": "珠海市香洲区唐家湾镇大学路101号",
        "history": "珠海高新技术产业开发区1992年经国务院批准设立，是珠江西岸软件和集成电路设计产业集聚区。",
        "location": "位于珠海市北部唐家湾，毗邻港珠澳大桥珠海口岸。"}),
    ("佛山高新技术产业开发区管理委员会", {
        "legal": "冯建国", "contact": "冯丽华", "phone": "0757-83361234", "email": "foshan@demo.gov.cn",
        "address": "佛山市禅城区季华五路22号",
        "history": "佛山高新技术产业开发区1992年经国务院批准设立，推动制造业与数字服务融合发展。",
        "location": "位于佛山市中心城区，广佛同城核心地带。"}),
]
NOTICE_CONTACTS = {"contact_phone": "020-38819191", "contact_email": "fwmy@demo.gov.cn",
                   "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）"}


@transaction.atomic
def load_open_notice() -> dict:
    """An earlier Guangdong round whose candidate list goes on public notice today, so that the public
    side (the notice, objections, the status page) is at work in the demo. The round's earlier steps
    are recorded as history; the notice is drafted and published through the services."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from applications import demo as application_demo
    from applications.dossier import SECTIONS
    from applications.models import Application, ApplicationVersion, Call, DossierSection
    from portal.accounts.models import Organization, User
    from portal.workflow import enter
    from publicity import services
    from publicity.models import Notice
    from review.models import CandidateConcurrence, CandidateItem, CandidateList

    shanghai = ZoneInfo("Asia/Shanghai")
    officer = User.objects.get(username="gd_officer")
    gd = Call.objects.get(title=application_demo.GUANGDONG_TITLE)
    call = Call.objects.filter(title=FIRST_GD_TITLE).first()
    if call is None:
        deadline = datetime(2021, 7, 10, 17, 30, tzinfo=shanghai)
        call = Call(
            title=FIRST_GD_TITLE, document_number="粤商务服函〔2021〕演示号", issuers=gd.issuers,
            level=gd.level, organiser=gd.organiser, region=gd.region, park_types=gd.park_types,
            recommending_tier=gd.recommending_tier, quota_per_unit=gd.quota_per_unit,
            basic_conditions=gd.basic_conditions, evidence_categories=gd.evidence_categories,
            park_deadline=deadline, recommend_deadline=deadline, publicity_days=gd.publicity_days,
            co_review_required=True)
        enter(call, "import_closed", user=officer, organization=call.organiser)
        for threshold in gd.thresholds.all():
            threshold.pk = None
            threshold.call = call
            threshold.save()
        candidate_list = CandidateList.objects.create(call=call, proposed_by=officer, proposed_at=deadline)
        CandidateList.objects.filter(pk=candidate_list.pk).update(status=CandidateList.Status.CONCURRED)
        submitted_at = datetime(2021, 7, 5, 10, 0, tzinfo=shanghai)
        for rank, (name, figures) in enumerate(OPEN_NOTICE_PARKS, start=1):
            park = Organization.objects.get(name=name)
            data = application_demo.dossier(park, {**application_demo.HUANGPU, **figures})
            application = Application(call=call, park=park, created_by=officer, latest_version_number=1,
                                      submitted_at=submitted_at)
            enter(application, "import_formal_passed", user=officer, organization=call.organiser)
            ApplicationVersion.objects.create(application=application, number=1, data=data, attachments=[],
                                              eligibility=[], submitted_by=officer, submitted_at=submitted_at)
            DossierSection.objects.bulk_create([
                DossierSection(application=application, key=s.key, data=data.get(s.key, {}), complete=True)
                for s in SECTIONS])
            CandidateItem.objects.create(candidate_list=candidate_list, application=application, rank=rank)
        for username in ("gd_cac", "gd_miit"):
            reviewer = User.objects.get(username=username)
            CandidateConcurrence.objects.create(
                candidate_list=candidate_list, organization=reviewer.memberships.get().organization,
                reviewer=reviewer, stance=CandidateConcurrence.Stance.CONCUR, opinion="同意。")
    notice = Notice.objects.filter(call=call).exclude(status=Notice.Status.WITHDRAWN).first()
    if notice is None:
        notice = services.draft_notice(call=call, user=officer)
        notice = services.update_notice(notice=notice, user=officer, base_revision=notice.revision,
                                        fields=NOTICE_CONTACTS)
    if notice.status == Notice.Status.DRAFT:
        try:
            notice = services.publish_notice(notice=notice, user=officer, publication_date=timezone.localdate())
        except ValidationError as exc:  # e.g. a window running into a year the calendar does not know
            return {"notice": "draft", "reason": " ".join(exc.messages)}
    return {"notice": notice.get_current_status_display(),
            "window": f"{notice.publication_date:%Y-%m-%d} – {notice.window_end:%Y-%m-%d}"}
