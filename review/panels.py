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
    calls = [c for c in calls_managed_by(request.user) if c.status != "draft"
             and is_organiser_of_call(request.user, c)]
    if not calls:
        return ""
    return render_to_string("review/panels/organiser.html", {"calls": calls}, request=request)


def application_panel(request, application) -> str:
    """The review rounds on an application's page: the park sees why it was returned or rejected."""
    reviews = list(selectors.reviews_of(application))
    if not reviews:
        return ""
    return render_to_string("review/panels/rounds.html", {"reviews": reviews, "application": application},
                            request=request)
