"""What ``load_demo`` leaves behind works for every demo account: from each workspace, every link a
user is shown opens (no server error on data the portal itself created, no link to a page the user may
not open), and the summary printed is short (issue 20, point 8)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from portal.accounts.models import Membership, Organization, Role, User
from publicity.models import Notice
from publicity.services import window_state

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout", "/lang/", "/admin/")
DOWNLOADS = (".pdf", ".docx", ".xlsx", "/download", "/export")


def _walk(client: Client, start: str, depth: int) -> dict[str, tuple[int, str]]:
    """Follow the links shown from ``start``; returns every failing URL with its status and referrer."""
    seen, failures, queue = set(), {}, [(start, 0, "")]
    while queue:
        url, level, source = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        if url.split("?")[0].endswith(DOWNLOADS):
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append((response["Location"], level, url))
            continue
        if response.status_code >= 400:
            failures[url] = (response.status_code, source)
            continue
        if level < depth and response.get("Content-Type", "").startswith("text/html"):
            queue.extend((h.replace("&amp;", "&"), level + 1, url) for h in HREF.findall(response.content.decode()))
    return failures


@pytest.mark.django_db
def test_every_link_of_every_demo_workspace_opens(settings):
    settings.DEBUG = True
    settings.PORTAL_REQUIRE_2FA = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    # A short summary, not raw e-mails or task logs.
    assert "Content-Type:" not in printed and "Subject:" not in printed and "succeeded" not in printed
    assert len(printed.splitlines()) <= 15 and "公示" in printed
    failures = {}
    for user in User.objects.filter(username__in=[u for u in _demo_usernames()]):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url, (status, source) in _walk(client, "/workspace/", depth=3).items():
            failures[f"{user.username} {url}"] = f"{status} from {source}"
    assert failures == {}


def _demo_usernames():
    from portal.accounts.demo import USERS

    return [row[0] for row in USERS]


@pytest.mark.django_db
def test_the_demo_has_co_reviewers_for_every_city_with_park_accounts_and_an_open_notice(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    cities = {m.organization.region_id for m in Membership.objects.filter(role=Role.PARK_ADMIN)
              .select_related("organization")}
    for city in cities:
        kinds = set(Membership.objects.filter(role=Role.CITY_COREVIEWER, organization__region_id=city)
                    .values_list("organization__kind", flat=True))
        assert kinds == {Organization.Kind.CITY_CAC, Organization.Kind.CITY_MIIT}, city
    from django.utils import timezone

    open_notices = [n for n in Notice.objects.all() if window_state(n) == "open"]
    assert len(open_notices) == 1 and open_notices[0].publication_date == timezone.localdate()
    # Every demo application has the dossier sections of its programme (the applicant's page of a recorded
    # application opens): the bases' fixed outline, or the fund's outline of the items the enterprise chose.
    from applications.models import Application
    from applications.programmes import spec_for

    applications = list(Application.objects.select_related("call").prefetch_related("sections"))
    assert {a.call.programme for a in applications} >= {"bases", "fund"}
    for application in applications:
        expected = {s.key for s in spec_for(application).sections(application)}
        assert {s.key for s in application.sections.all()} == expected, application
