"""The formal check returns one park, the city re-sends a replacement, in a real browser (Playwright).

The city's list of two is sent through the services; then the organiser returns one park on the
formal-check page with a reason and a re-send deadline, the city sees the return on its
recommendation page (the other park stays with the organiser, the quota is never exceeded) and
re-sends another park that passed the preliminary review. Elements are located by field names and
data-* attributes, not by interface text.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, Call
from review import services
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.e2e.test_city_review_journey import open_as  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_organiser_returns_one_park_and_the_city_resends_a_replacement(gd_call, user_named, open_as):  # noqa: F811
    """000 三(二): "每个地级以上市推荐园区数量不超过5个", at every moment: one park returned at the formal
    check goes back alone, and the city fills its place once."""
    Call.objects.filter(pk=gd_call.pk).update(co_review_required=False)
    sent = bulk_applications(gd_call, extra_parks("440100", 2, "浏览器推荐"), "approved", user_named("park_huangpu"))
    spare = bulk_applications(gd_call, extra_parks("440100", 1, "浏览器替补"), "approved",
                              user_named("park_huangpu"))[0]
    city_user = user_named("city_gz")
    services.save_recommendation(call=gd_call, user=city_user, application_ids=[a.pk for a in sent])
    services.send_recommendation(call=gd_call, user=city_user, letter_number="穗商务函〔2026〕20号")
    returned = sent[1]

    officer = open_as("gd_officer")
    officer.goto(f"/review/calls/{gd_call.pk}/formal/")
    row = officer.locator(f'tr[data-application="{returned.pk}"]')
    row.locator(f'[name="a{returned.pk}-decision"][value="return"]').check()
    row.locator(f'[name="a{returned.pk}-reason"]').fill("缺少盖章页")
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    row.locator(f'[name="a{returned.pk}-resend_deadline"]').fill(deadline)
    row.locator('button[type="submit"]').click()
    officer.wait_for_url(f"**/review/calls/{gd_call.pk}/formal/")
    expect(officer.locator(f'tr[data-application="{returned.pk}"]')).to_have_count(0)
    assert Application.objects.get(pk=sent[0].pk).state == "recommended"

    city = open_as("city_gz")
    city.goto(f"/review/calls/{gd_call.pk}/recommendation/")
    notice = city.locator('[data-testid="formal-return"]')
    expect(notice).to_contain_text("缺少盖章页")
    expect(city.locator('[data-testid="sent"]')).to_be_visible()  # the list itself stays sent
    notice.locator('[name="application"]').select_option(str(spare.pk))
    notice.locator('[name="letter_number"]').fill("穗商务函〔2026〕21号")
    notice.locator('button[type="submit"]').click()
    city.wait_for_url(f"**/review/calls/{gd_call.pk}/recommendation/")
    expect(city.locator('[data-testid="formal-return"]')).to_have_count(0)
    states = dict(Application.objects.filter(pk__in=[sent[0].pk, returned.pk, spare.pk]).values_list("pk", "state"))
    assert states == {sent[0].pk: "recommended", returned.pk: "approved", spare.pk: "recommended"}
