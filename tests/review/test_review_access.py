"""A user of one city gets 403/404 on every review URL of another city's application."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from review import services
from review.models import PreliminaryReview, Recommendation

pytestmark = pytest.mark.django_db


def _review_patterns():
    namespace = get_resolver().namespace_dict["review"][1]
    for pattern in namespace.url_patterns:
        assert isinstance(pattern, URLPattern)
        yield pattern


@pytest.fixture
def guangzhou_sent(submit_for, user_named):
    """A Guangzhou application approved, concurred, recommended and sent."""
    application = submit_for("park_huangpu")
    checklist = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}
    services.decide(application=application, version_number=1, user=user_named("city_gz"),
                    decision="approve", checklist=checklist)
    for username in ("gz_cac", "gz_miit"):
        services.co_review(application=application, user=user_named(username), stance="concur", opinion="同意")
    services.save_recommendation(call=application.call, user=user_named("city_gz"),
                                 application_ids=[application.pk])
    recommendation = services.send_recommendation(call=application.call, user=user_named("city_gz"),
                                                  letter_number="穗商务函〔2026〕1号")
    return application, recommendation


def _object_urls(application, recommendation):
    values = {"pk": None, "fmt": "pdf", "call_pk": application.call_id}
    for pattern in _review_patterns():
        names = set(pattern.pattern.converters)
        if "pk" not in names:
            continue
        pk = recommendation.pk if str(pattern.pattern).startswith("recommendations/") else application.pk
        kwargs = {name: (pk if name == "pk" else values[name]) for name in names}
        yield pattern.name, reverse(f"review:{pattern.name}", kwargs=kwargs)


def test_every_object_url_is_covered():
    names = {p.name for p in _review_patterns() if "pk" in p.pattern.converters}
    assert names == {"review", "coreview", "recommendation-detail", "recommendation-return", "letter"}


@pytest.mark.parametrize("outsider", ["city_sz", "sz_cac", "sz_miit", "park_nanshan", "park_huangpu",
                                      "expert_chen", "city_st"])
def test_another_citys_users_get_403_or_404(guangzhou_sent, client_for, outsider):
    application, recommendation = guangzhou_sent
    c = client_for(outsider)
    for name, url in _object_urls(application, recommendation):
        for method in ("get", "post"):
            status = getattr(c, method)(url).status_code
            assert status in (403, 404, 405), (outsider, name, method, status)
    assert PreliminaryReview.objects.count() == 1
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.SENT


@pytest.mark.parametrize("outsider", ["city_sz", "city_st"])
def test_call_pages_of_another_city_never_list_the_application(guangzhou_sent, client_for, outsider):
    application, _ = guangzhou_sent
    c = client_for(outsider)
    for name in ("inbox", "recommendation"):
        response = c.get(reverse(f"review:{name}", args=[application.call_id]))
        assert response.status_code == 200
        assert application.park.name not in response.content.decode()
    assert c.get(reverse("review:overview", args=[application.call_id])).status_code == 404


def test_call_pages_refuse_those_without_a_unit_role(guangzhou_sent, client_for):
    application, _ = guangzhou_sent
    for username in ("park_huangpu", "expert_chen"):
        c = client_for(username)
        for name in ("inbox", "coreview-list", "recommendation", "overview"):
            assert c.get(reverse(f"review:{name}", args=[application.call_id])).status_code == 404
