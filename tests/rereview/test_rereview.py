"""The re-review round (复审): eligibility, the expert review reused, outcomes, 公示, objections, revocation."""

import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.exports import dossier_outline
from applications.models import Application, Call
from bases.models import BaseStatusChange
from portal.audit.lifecycle import missing_events
from portal.audit.selectors import history_of
from publicity import services as publicity_services
from publicity.models import DesignatedBase, Designation, Notice, Objection
from rereview import selectors, services
from rereview.models import ReReviewItem, ReReviewRound, Revocation
from review import services as review_services
from review.models import Assignment, RubricCriterion
from review.selectors.experts import ranking, rubric_of
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.rereview.conftest import years_ago

pytestmark = pytest.mark.django_db


def start(officer, organiser, bases, **kwargs):
    today = timezone.localdate()
    values = {"title": f"{today.year}年广东省数字服务出口基地复审", "document_number": "粤商务服函〔2026〕88号",
              "reference_date": today, "period_from": today.year - 2, "period_to": today.year - 1,
              "base_ids": [b.pk for b in bases], "experts_per_application": 2}
    values.update(kwargs)
    return services.start_round(user=officer, organiser=organiser, **values)


def score(item, experts, officer, points: str):
    """Each expert scores every criterion of the round's rubric with ``points``."""
    for assignment in review_services.assign_manually(application=item.application, experts=experts, user=officer):
        review_services.confirm_no_conflict(assignment=assignment, user=assignment.expert.user)
        review_services.save_sheet(assignment=assignment, user=assignment.expert.user, comment="意见", submit=True,
                                   scores={str(c.pk): points for c in rubric_of(item.round.call)})


@contextmanager
def refused(code: str):
    """The service refuses with a ValidationError of ``code`` (messages are translated)."""
    with pytest.raises(ValidationError) as exc:
        yield
    assert exc.value.code == code, (exc.value.code, exc.value.messages)


def item_of(rnd, base) -> ReReviewItem:
    return ReReviewItem.objects.get(round=rnd, base=base)


# --- eligibility ---------------------------------------------------------------------------------

def test_only_bases_designated_two_years_before_are_eligible(officer, gd_org, make_base, park_of, gd_call,  # noqa: F811
                                                             user_named):
    huangpu, pazhou = park_of("park_huangpu"), park_of("park_pazhou")

    def designated_on(day, name):
        notice = Notice.objects.create(call=gd_call, title="公示", body="正文", contact_phone="1",
                                       contact_email="a@b.cn", contact_address="广州")
        designation = Designation.objects.create(call=_other_call(gd_call, name), notice=notice,
                                                 document_number="粤商务服函", document_date=day, title="认定")
        base = make_base(name, huangpu)
        base.designation = designation
        base.save()
        return base

    due = designated_on(years_ago(2, days=-1), "两年前一天认定的基地")
    just = designated_on(years_ago(2), "恰好两年前认定的基地")
    early = designated_on(years_ago(2, days=1), "不满两年的基地")
    old_batch = make_base("三年前批次基地", pazhou, year=years_ago(3).year)
    young_batch = make_base("今年批次基地", pazhou, year=timezone.localdate().year - 1)
    revoked = make_base("已撤销基地", pazhou, status=DesignatedBase.Status.REVOKED)
    rectifying = make_base("限期整改基地", pazhou, status=DesignatedBase.Status.RECTIFICATION)
    no_park = make_base("无园区账号基地", None)
    mofcom = user_named("mofcom_officer").memberships.get(role="provincial_officer").organization
    other = make_base("商务部认定基地", pazhou, organiser=mofcom)

    eligible = set(selectors.eligible_bases(gd_org, on=timezone.localdate()))
    assert {due, just, old_batch, rectifying} <= eligible
    assert not eligible & {early, revoked, no_park, other}
    # a batch designated last year is not due (its end of year is less than two years ago)
    assert young_batch not in eligible

    before = (Call.objects.count(), Application.objects.count())
    with pytest.raises(ValidationError) as refused:
        start(officer, gd_org, [due, early])
    assert "不满两年的基地" in str(refused.value)
    assert (Call.objects.count(), Application.objects.count()) == before

    start(officer, gd_org, [due])
    # re-reviewed now: not due again until two years later
    assert due not in set(selectors.eligible_bases(gd_org, on=timezone.localdate()))


def _other_call(call_to_copy, name):
    call = Call.objects.get(pk=call_to_copy.pk)
    call.pk = None
    call.title = f"{call_to_copy.title}·{name}"
    call.save()
    return call


def test_only_the_organisers_officers_start_a_round(gd_org, two_bases, user_named):
    with pytest.raises(PermissionDenied):
        start(user_named("park_huangpu"), gd_org, two_bases)
    with pytest.raises(PermissionDenied):  # an officer of another department
        start(user_named("mofcom_officer"), gd_org, two_bases)
    with pytest.raises(ValidationError):
        start(user_named("gd_officer"), gd_org, [])
    assert not ReReviewRound.objects.exists()


# --- the expert review, reused -------------------------------------------------------------------

def test_the_round_is_a_call_whose_applications_carry_the_reports(officer, gd_org, two_bases, experts):
    rnd = start(officer, gd_org, two_bases)
    call = rnd.call
    assert call.status == Call.Status.CLOSED and call.organiser == gd_org
    assert [c.name for c in RubricCriterion.objects.filter(call=call)] == [r[0] for r in services.REREVIEW_RUBRIC]
    items = list(rnd.items.select_related("application__park", "base"))
    assert {i.application.park for i in items} == {b.park for b in two_bases}
    assert all(i.application.state == Application.State.FORMAL_PASSED for i in items)
    assert all(len(i.reports) == 2 for i in items)
    # created closed and ready to score by the definition's entries: the audit log explains both states
    assert missing_events(call) == ([("call.closed | call.imported | rereview.started", {})], [])
    assert list(history_of(call).values_list("verb", flat=True)).count("rereview.started") == 1
    for item in items:
        found, missing = missing_events(item.application)
        assert missing == [] and ("application.imported | formal_check.pass | rereview.included", {}) in found
        assert history_of(item.application).filter(verb="rereview.included", data__base=item.base_id).exists()

    version = items[0].application.versions.get(number=1)
    outline = dossier_outline(version)
    text = repr(outline)
    assert "12.30" in text and "基地建设稳步推进" in text
    assert [s["key"] for s in outline][:2] == ["cover", "summary"]
    assert outline[0]["park_name"] == items[0].base.name

    huangpu, pazhou = (item_of(rnd, b) for b in two_bases)
    score(huangpu, experts[:2], officer, "9")
    score(pazhou, experts[1:], officer, "4")
    ranked = ranking(call)
    assert [r["application"].pk for r in ranked] == [huangpu.application_id, pazhou.application_id]
    rows = {r["item"].pk: r for r in selectors.round_rows(rnd, selectors.round_items(rnd))}
    assert rows[huangpu.pk]["n"] == 2 and rows[huangpu.pk]["score"] > rows[pazhou.pk]["score"]


def test_the_random_draw_assigns_the_rounds_bases(officer, gd_org, two_bases, experts):
    rnd = start(officer, gd_org, two_bases)
    result = review_services.auto_assign(call=rnd.call, user=officer, seed=7, alternates=1)
    assert not result.shortfalls
    for item in rnd.items.all():
        assert Assignment.objects.filter(application=item.application).count() == 2


# --- outcomes ------------------------------------------------------------------------------------

def test_outcomes_and_what_they_do_to_the_base(officer, gd_org, two_bases, experts):
    rnd = start(officer, gd_org, two_bases)
    huangpu, pazhou = (item_of(rnd, b) for b in two_bases)
    with refused("no_sheets"):
        services.decide_outcome(item=huangpu, user=officer, outcome="passed")
    score(huangpu, experts[:1], officer, "8")
    with pytest.raises(ValidationError) as missing:  # the round asks for 2 sheets per base
        services.decide_outcome(item=huangpu, user=officer, outcome="passed")
    assert "missing_sheets_reason" in missing.value.message_dict
    services.decide_outcome(item=huangpu, user=officer, outcome="passed", missing_sheets_reason="第二位专家回避。")
    huangpu.refresh_from_db()
    assert huangpu.outcome == "passed" and huangpu.missing_sheets_reason

    score(pazhou, experts[1:], officer, "6")
    with pytest.raises(ValidationError) as no_deadline:
        services.decide_outcome(item=pazhou, user=officer, outcome="rectify", reason="出口增长不及预期。")
    assert "rectification_deadline" in no_deadline.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        services.decide_outcome(item=pazhou, user=officer, outcome="failed", reason="")
    assert "reason" in no_reason.value.message_dict
    deadline = timezone.localdate() + timedelta(days=180)
    services.decide_outcome(item=pazhou, user=officer, outcome="rectify", reason="出口增长不及预期。",
                            rectification_deadline=deadline)
    base = DesignatedBase.objects.get(pk=two_bases[1].pk)
    assert base.status == DesignatedBase.Status.RECTIFICATION and base.status_deadline == deadline
    change = BaseStatusChange.objects.get(base=base)
    assert change.source == f"rereview:{rnd.pk}" and change.document_number == rnd.call.document_number

    # Changed to 合格 before publication: the base is back on the register, through the same service.
    services.decide_outcome(item=pazhou, user=officer, outcome="passed")
    base.refresh_from_db()
    assert base.status == DesignatedBase.Status.ACTIVE
    assert BaseStatusChange.objects.filter(base=base).count() == 2

    with pytest.raises(ValidationError):
        services.publish_failures(round=rnd, user=officer, publication_date=timezone.localdate(),
                                  contact_phone="020-1", contact_email="a@b.cn", contact_address="广州")


def test_outcomes_are_the_organisers(officer, gd_org, two_bases, experts, user_named):
    rnd = start(officer, gd_org, two_bases)
    item = item_of(rnd, two_bases[0])
    score(item, experts[:2], officer, "8")
    for username in ("park_huangpu", "mofcom_officer", "expert_li", "city_gz"):
        with pytest.raises(PermissionDenied):
            services.decide_outcome(item=item, user=user_named(username), outcome="failed", reason="不合格理由。")
    item.refresh_from_db()
    assert item.outcome == ""


# --- 公示, objections, revocation ------------------------------------------------------------------

def _fail_both(officer, gd_org, two_bases, experts):
    rnd = start(officer, gd_org, two_bases)
    for base in two_bases:
        item = item_of(rnd, base)
        score(item, experts[:2], officer, "3")
        services.decide_outcome(item=item, user=officer, outcome="failed", reason="连续两年未完成建设任务。")
    return rnd


def _publish(rnd, officer):
    return services.publish_failures(round=rnd, user=officer, publication_date=timezone.localdate(),
                                     contact_phone="020-38819191", contact_email="fw@gd.example.gov.cn",
                                     contact_address="广州市越秀区东风中路305号")


def _object(notice, base_name):
    item = notice.items.get(park_name=base_name)
    return publicity_services.submit_objection(
        notice=notice, item=item, files=[],
        values={"name": "张明", "organization": "", "id_type": "resident_id", "id_number": "11010519491231002X",
                "phone": "13800138000", "email": "z@example.com", "facts": "该基地2025年出口数据已补报，请重新核查。"})


def _after_window(monkeypatch, notice):
    later = notice.closes_at + timedelta(hours=10)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_failures_are_published_then_revoked_by_a_document(officer, gd_org, two_bases, experts, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    rnd = _fail_both(officer, gd_org, two_bases, experts)
    notice = _publish(rnd, officer)
    assert notice.status == Notice.Status.PUBLISHED and notice.call_id == rnd.call_id
    assert sorted(notice.items.values_list("park_name", flat=True)) == sorted(b.name for b in two_bases)
    assert "不合格" in notice.title
    with pytest.raises(ValidationError):  # the outcomes are fixed while on notice
        services.decide_outcome(item=item_of(rnd, two_bases[0]), user=officer, outcome="passed")
    with refused("window_open"):
        services.issue_revocation(round=rnd, user=officer, document_number="粤商务服字〔2026〕9号",
                                  document_date=timezone.localdate())
    objection = _object(notice, two_bases[0].name)
    _after_window(monkeypatch, notice)
    with refused("undecided"):
        services.issue_revocation(round=rnd, user=officer, document_number="粤商务服字〔2026〕9号",
                                  document_date=timezone.localdate())
    publicity_services.decide_objection(objection=objection, user=officer, outcome=Objection.Outcome.NOT_UPHELD,
                                        reply="经核查，补报数据仍未达到建设目标，异议不成立。")
    with django_capture_on_commit_callbacks(execute=True):
        revocation = services.issue_revocation(round=rnd, user=officer, document_number="粤商务服字〔2026〕9号",
                                               document_date=timezone.localdate())
    for base in two_bases:
        base.refresh_from_db()
        assert base.status == DesignatedBase.Status.REVOKED
        assert BaseStatusChange.objects.get(base=base, to_status="revoked").document_number == "粤商务服字〔2026〕9号"
    assert all(i.revoked_at for i in rnd.items.all())
    with pytest.raises(ValidationError):
        services.decide_outcome(item=item_of(rnd, two_bases[0]), user=officer, outcome="passed")

    revocation.refresh_from_db()
    assert revocation.document_pdf and revocation.document_docx
    _check_documents(revocation, [b.name for b in two_bases])


def _check_documents(revocation: Revocation, names: list[str]):
    from docx import Document
    from pypdf import PdfReader

    with revocation.document_pdf.open("rb") as f:
        pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    flat = "".join(pdf_text.split())
    assert "撤销" in flat and "粤商务服字〔2026〕9号" in flat and "特此通知" in flat
    assert "复审不合格" in flat and "广东省商务厅" in flat
    for name in names:
        assert name in flat
    with revocation.document_docx.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "粤商务服字〔2026〕9号" in text and "撤销" in text and "复审不合格" in text
    for name in names:
        assert name in text


def test_an_upheld_objection_means_the_failure_is_reconsidered(officer, gd_org, two_bases, experts, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    rnd = _fail_both(officer, gd_org, two_bases, experts)
    notice = _publish(rnd, officer)
    upheld = _object(notice, two_bases[0].name)
    _after_window(monkeypatch, notice)
    publicity_services.decide_objection(objection=upheld, user=officer, outcome=Objection.Outcome.UPHELD,
                                        reply="经核查，该基地补报数据属实，复审结论应予重新评定。")
    huangpu, pazhou = (item_of(rnd, b) for b in two_bases)
    assert services.objection_upheld(huangpu, notice) and not services.objection_upheld(pazhou, notice)
    row = {r["item"].pk: r for r in selectors.round_rows(rnd, selectors.round_items(rnd))}
    assert row[huangpu.pk]["upheld"] and not row[pazhou.pk]["upheld"]
    with pytest.raises(ValidationError):  # no second failure in the same round
        services.decide_outcome(item=huangpu, user=officer, outcome="failed", reason="仍不合格。")
    with pytest.raises(ValidationError):  # the other base's failure stands
        services.decide_outcome(item=pazhou, user=officer, outcome="passed")
    services.decide_outcome(item=huangpu, user=officer, outcome="rectify", reason="限期补齐统计监测制度。",
                            rectification_deadline=timezone.localdate() + timedelta(days=90))
    huangpu.refresh_from_db()
    assert huangpu.reconsidered_at is not None and huangpu.outcome == "rectify"

    with django_capture_on_commit_callbacks(execute=True):
        services.issue_revocation(round=rnd, user=officer, document_number="粤商务服字〔2026〕10号",
                                  document_date=timezone.localdate())
    statuses = dict(DesignatedBase.objects.filter(pk__in=[b.pk for b in two_bases]).values_list("name", "status"))
    assert statuses == {two_bases[0].name: "rectification", two_bases[1].name: "revoked"}
    revocation = Revocation.objects.get(round=rnd)
    assert two_bases[0].name not in revocation.title and two_bases[1].name in revocation.title


def test_nothing_is_revoked_when_every_objection_was_upheld(officer, gd_org, two_bases, experts, monkeypatch):
    rnd = start(officer, gd_org, two_bases[:1])
    item = item_of(rnd, two_bases[0])
    score(item, experts[:2], officer, "3")
    services.decide_outcome(item=item, user=officer, outcome="failed", reason="连续两年未完成建设任务。")
    notice = _publish(rnd, officer)
    objection = _object(notice, two_bases[0].name)
    _after_window(monkeypatch, notice)
    publicity_services.decide_objection(objection=objection, user=officer, outcome=Objection.Outcome.UPHELD,
                                        reply="经核查，异议成立，复审结论应予重新评定。")
    with refused("none"):
        services.issue_revocation(round=rnd, user=officer, document_number="粤商务服字〔2026〕11号",
                                  document_date=timezone.localdate())
    assert not Revocation.objects.exists()
    assert DesignatedBase.objects.get(pk=two_bases[0].pk).status == DesignatedBase.Status.ACTIVE


def test_a_rounds_call_designates_no_base(officer, gd_org, two_bases, experts, monkeypatch):
    rnd = _fail_both(officer, gd_org, two_bases, experts)
    notice = _publish(rnd, officer)
    _after_window(monkeypatch, notice)
    with refused("rereview"):
        publicity_services.designate(call=rnd.call, user=officer, document_number="粤商务服字〔2026〕12号",
                                     document_date=timezone.localdate())
    assert not Designation.objects.filter(call=rnd.call).exists()


def test_the_messages_speak_of_the_rereview(officer, gd_org, two_bases, experts):
    from portal.notifications.models import Notification

    rnd = _fail_both(officer, gd_org, two_bases, experts)
    _publish(rnd, officer)
    park_user = two_bases[0].park.memberships.get(role="park_admin").user
    titles = list(Notification.objects.filter(recipient=park_user).values_list("title", flat=True))
    assert any("复审结果公示" in t for t in titles)
    assert not any("候选名单" in t for t in titles)
