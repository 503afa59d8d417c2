"""A user of one city gets 403/404 on every review URL of another city's application."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from review import services
from review.models import Assignment, Conflict, ExpertProfile, PreliminaryReview, Recommendation, ScoreSheet

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
    # On to the expert review: formal check, an assigned expert with a submitted sheet, a conflict.
    officer = user_named("gd_officer")
    services.formal_check(application=application, user=officer, decision="pass")
    expert = ExpertProfile.objects.create(user=user_named("expert_li"),
                                          employer=user_named("expert_li").memberships.get().organization)
    services.ensure_default_rubric(application.call)
    assignment = services.assign_manually(application=application, experts=[expert], user=officer)[0]
    services.confirm_no_conflict(assignment=assignment, user=expert.user)
    scores = {str(c.pk): "5" for c in application.call.rubric.all()}
    services.save_sheet(assignment=assignment, user=expert.user, scores=scores, comment="", submit=True)
    Conflict.objects.create(expert=expert, application=application, kind="declared_relation")
    application.refresh_from_db()
    return application, recommendation


# What the <pk> of each object URL names, by the URL's first segment.
OBJECTS = {"applications": "application", "recommendations": "recommendation", "tasks": "assignment",
           "sheets": "sheet", "conflicts": "conflict"}


def _object_urls(application, recommendation):
    objects = {"application": application.pk, "recommendation": recommendation.pk,
               "assignment": Assignment.objects.get(application=application).pk,
               "sheet": ScoreSheet.objects.get(application=application).pk,
               "conflict": Conflict.objects.get(application=application).pk}
    for pattern in _review_patterns():
        names = set(pattern.pattern.converters)
        if "pk" not in names:
            continue
        pk = objects[OBJECTS[str(pattern.pattern).split("/")[0]]]
        kwargs = {name: (pk if name == "pk" else "pdf") for name in names}
        yield pattern.name, reverse(f"review:{pattern.name}", kwargs=kwargs)


def test_every_object_url_is_covered():
    """A new object URL fails here until the matrix knows what its <pk> is."""
    for pattern in _review_patterns():
        if "pk" in pattern.pattern.converters:
            assert str(pattern.pattern).split("/")[0] in OBJECTS, pattern


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
    assert ScoreSheet.objects.get().status == "submitted"
    assert Conflict.objects.get().status == "suggested"


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
    for username in ("park_huangpu", "expert_chen", "city_gz"):
        c = client_for(username)
        names = ["overview", "formal", "panels", "conflicts", "assignments", "rubric", "ranking", "candidates",
                 "panel-opinions"]
        if username != "city_gz":
            names += ["inbox", "coreview-list", "recommendation"]
        for name in names:
            assert c.get(reverse(f"review:{name}", args=[application.call_id])).status_code == 404
