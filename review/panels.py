"""What the review adds to the workspaces."""

from django.template.loader import render_to_string

from applications.rules import is_organiser_of_call
from applications.selectors import calls_managed_by
from review import selectors


def unit_panel(request) -> str:
    calls = selectors.calls_reviewed_by(request.user)
    if not calls:
        return ""
    rows = [(call, selectors.inbox(request.user, call).count()) for call in calls]
    return render_to_string("review/panels/unit.html", {"rows": rows}, request=request)


def coreview_panel(request) -> str:
    calls = selectors.calls_reviewed_by(request.user, coreview=True)
    return render_to_string("review/panels/coreview.html", {"calls": calls}, request=request)


def organiser_panel(request) -> str:
    from review.todo import unit_progress

    calls = [c for c in calls_managed_by(request.user) if c.status != "draft"
             and is_organiser_of_call(request.user, c)]
    if not calls:
        return ""
    return render_to_string("review/panels/organiser.html", {
        "calls": [(call, unit_progress(call)) for call in calls]}, request=request)


def expert_panel(request) -> str:
    from review.selectors.experts import tasks_of

    tasks = list(tasks_of(request.user))
    led = {p.call for p in request.user.expert.led_panels.select_related("call")} \
        if hasattr(request.user, "expert") else set()
    return render_to_string("review/panels/expert.html", {"tasks": tasks, "led_calls": led}, request=request)


def candidate_panel(request) -> str:
    """Provincial co-reviewers: candidate lists awaiting their concurrence."""
    from review.models import CandidateList
    from review.services import candidate_coreviewer_orgs

    lists = [c for c in CandidateList.objects.exclude(status="draft").select_related("call")
             if candidate_coreviewer_orgs(request.user, c.call)]
    if not lists:
        return ""
    return render_to_string("review/panels/candidates.html", {"lists": lists}, request=request)


def application_panel(request, application) -> str:
    """The review rounds on an application's page: the park sees why it was returned or rejected."""
    reviews = list(selectors.reviews_of(application))
    if not reviews:
        return ""
    return render_to_string("review/panels/rounds.html", {"reviews": reviews, "application": application},
                            request=request)
