"""One Guangzhou application taken step by step through the chain, through the services."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from applications import services as application_services
from publicity import services as publicity_services
from review import services as review_services
from review.models import CandidateConcurrence, ExpertProfile
from tests.applications.conftest import fill_completely

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHECKLIST = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}
CONTACTS = {"contact_phone": "020-38819191", "contact_email": "fw@gd.example.gov.cn",
            "contact_address": "广州市越秀区东风中路305号"}


def submit(call, u, username="park_huangpu"):
    park_user = u(username)
    application = application_services.start_application(
        call=call, park=park_user.memberships.get(role="park_admin").organization, user=park_user)
    fill_completely(application, park_user)
    application_services.submit_application(application=application, user=park_user)
    application.refresh_from_db()
    return application


def approve(application, u, city="city_gz"):
    review_services.decide(application=application, version_number=application.latest_version_number,
                           user=u(city), decision="approve", checklist=CHECKLIST)


def concur(application, u, names=("gz_cac", "gz_miit")):
    for name in names:
        review_services.co_review(application=application, user=u(name), stance="concur", opinion="同意推荐")


def send(call, application, u, city="city_gz"):
    review_services.save_recommendation(call=call, user=u(city), application_ids=[application.pk])
    return review_services.send_recommendation(call=call, user=u(city), letter_number="穗商务函〔2026〕9号")


def to_candidates(call, application, u):
    officer = u("gd_officer")
    review_services.formal_check(application=application, user=officer, decision="pass")
    expert = ExpertProfile.objects.create(user=u("expert_li"),
                                          employer=u("expert_li").memberships.get().organization)
    review_services.ensure_default_rubric(call)
    assignment = review_services.assign_manually(application=application, experts=[expert], user=officer)[0]
    review_services.confirm_no_conflict(assignment=assignment, user=expert.user)
    review_services.save_sheet(assignment=assignment, user=expert.user, comment="",
                               scores={str(c.pk): "5" for c in call.rubric.all()}, submit=True)
    review_services.propose_candidates(call=call, user=officer, application_ids=[application.pk],
                                       missing_sheets_reason="一名专家评审，余者回避")
    for name in ("gd_cac", "gd_miit"):
        review_services.concur_candidates(call=call, user=u(name), stance=CandidateConcurrence.Stance.CONCUR,
                                          opinion="同意")


def publish(call, u, monkeypatch, publication_date=date(2026, 12, 24)):
    officer = u("gd_officer")
    notice = publicity_services.draft_notice(call=call, user=officer)
    notice = publicity_services.update_notice(notice=notice, user=officer, base_revision=notice.revision,
                                              fields=CONTACTS)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    return publicity_services.publish_notice(notice=notice, user=officer, publication_date=publication_date)


def designate(call, u, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI))
    designation = publicity_services.designate(call=call, user=u("gd_officer"),
                                               document_number="粤商务服字〔2027〕1号", document_date=date(2027, 1, 8))
    return publish_jointly(designation, u)


def publish_jointly(designation, u):
    """Issued jointly: both co-issuing departments countersign (会签), then the organiser publishes."""
    for name in ("gd_cac", "gd_miit"):
        publicity_services.countersign_designation(designation=designation, user=u(name))
    return publicity_services.publish_designation(designation=designation, user=u("gd_officer"))
