import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.accounts.demo import DEMO_PASSWORD, USERS
from portal.accounts.models import Membership, Organization, Role
from portal.accounts.services import add_membership
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db, client):
    """The Django admin is for superusers created on the command line (system administrators use /system/)."""
    from portal.accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_organization_with_wrong_credit_code_is_refused_in_admin(superuser_client):
    admin = superuser_client
    before = Organization.objects.count()
    response = admin.post(reverse("admin:accounts_organization_add"), {
        "name": "测试园区管理委员会", "kind": "park", "region": "", "credit_code": "91350100M000100Y44",
    })
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    assert Organization.objects.count() == before


def test_organization_with_valid_credit_code_is_created(superuser_client):
    admin = superuser_client
    response = admin.post(reverse("admin:accounts_organization_add"), {
        "name": "测试园区管理委员会", "kind": "park", "region": "", "credit_code": "91350100M000100Y43",
    })
    assert response.status_code == 302
    assert Organization.objects.filter(credit_code="91350100M000100Y43").exists()


def test_duplicate_membership_is_refused_and_changes_nothing(user_named):
    user = user_named("city_gz")
    org = Organization.objects.get(name="广州市商务局")
    count = Membership.objects.count()
    with pytest.raises(ValidationError) as exc:
        add_membership(user=user, organization=org, role=Role.CITY_REVIEWER)
    assert "已" in " ".join(exc.value.messages)
    assert Membership.objects.count() == count


def test_role_must_fit_the_organisation_kind(user_named):
    user = user_named("city_gz")
    park = Organization.objects.filter(kind="park").first()
    with pytest.raises(ValidationError):
        add_membership(user=user, organization=park, role=Role.CITY_REVIEWER)


def test_a_user_may_hold_several_memberships_and_chooses_a_workspace(user_named, client_for):
    user = user_named("expert_chen")
    park = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    add_membership(user=user, organization=park, role=Role.PARK_ADMIN)
    assert AuditEvent.objects.filter(verb="membership.added", target_id=str(user.pk)).exists()
    response = client_for("expert_chen").get(reverse("workspace"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的申报" in body and "我的评审任务" in body


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_wrong_password_gets_a_chinese_message(demo, client):
    response = _login(client, "park_pazhou", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_says_when_to_try_again(demo, client):
    for _ in range(4):
        assert _login(client, "park_pazhou", "wrong-password").status_code == 200
    response = _login(client, "park_pazhou", "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body and "后重试" in body and "30分钟" in body
    # Even the right password is refused while locked.
    response = _login(client, "park_pazhou", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


LANDING = {
    Role.PARK_ADMIN: ("workspace-park", "我的申报"),
    Role.CITY_REVIEWER: ("workspace-city", "初审"),
    Role.CITY_COREVIEWER: ("workspace-coreview", "会审"),
    Role.PROVINCIAL_OFFICER: ("workspace-province", "评审组织"),
    Role.PROVINCIAL_COREVIEWER: ("workspace-coreview", "会审"),
    Role.EXPERT: ("workspace-expert", "我的评审任务"),
    Role.SYSADMIN: ("workspace-system", "系统管理"),
}


@pytest.mark.parametrize(("username", "role"), [(u, r) for u, _, r, _ in USERS])
def test_every_demo_user_signs_in_and_lands_on_their_workspace(demo, client, username, role):
    response = _login(client, username, DEMO_PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    url_name, title = LANDING[role]
    assert response.redirect_chain[-1][0] == reverse(url_name) if response.redirect_chain else True
    assert response.request["PATH_INFO"] == reverse(url_name)
    assert f"<h1 class=\"h3 mb-1\">{title}</h1>" in response.content.decode()


def test_a_park_user_cannot_open_another_roles_workspace(client_for):
    park = client_for("park_pazhou")
    for name in ("workspace-city", "workspace-province", "workspace-expert", "workspace-system",
                 "workspace-coreview"):
        assert park.get(reverse(name)).status_code == 403


def test_navigation_shows_only_what_the_role_may_use(client_for):
    body = client_for("city_gz").get(reverse("workspace-city")).content.decode()
    assert reverse("workspace-city") in body
    assert reverse("workspace-province") not in body
    assert reverse("workspace-park") not in body


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(reverse("workspace-park"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_reset_does_not_reveal_whether_an_account_exists(demo, client, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": "park_pazhou@demo.gov.cn"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_password_change_applies_validators(client_for):
    c = client_for("park_pazhou")
    response = c.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    })
    assert response.status_code == 200
    assert "密码" in response.content.decode()
