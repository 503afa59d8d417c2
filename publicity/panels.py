from django.template.loader import render_to_string

from applications.selectors import calls_managed_by
from publicity import selectors


def home_panel(request) -> str:
    return render_to_string("publicity/panels/home.html", {"notices": selectors.current_notices()[:10]},
                            request=request)


def organiser_panel(request) -> str:
    calls = [c for c in calls_managed_by(request.user) if c.status != "draft"]
    if not calls:
        return ""
    return render_to_string("publicity/panels/organiser.html", {"calls": calls}, request=request)


# Each timeline costs a fixed handful of queries; the park workspace shows the two most recent (every
# application page shows its own), which keeps the page within the query ceiling.
TIMELINES_SHOWN = 2


def park_timeline_panel(request) -> str:
    """The park's workspace: the state timeline of each of its applications."""
    from applications.selectors import applications_of_parks, parks_of
    from publicity.timeline import timeline

    # The most recently updated applications (a park has one or two; the page stays a constant cost).
    applications = list(applications_of_parks(parks_of(request.user))[:TIMELINES_SHOWN])
    if not applications:
        return ""
    return render_to_string("publicity/panels/timelines.html",
                            {"rows": [(a, timeline(a)) for a in applications]}, request=request)


def application_timeline_panel(request, application) -> str:
    """The application's page, for its park."""
    from publicity.timeline import timeline

    if not request.user.has_perm("applications.view_draft", application):
        return ""
    return render_to_string("publicity/panels/timelines.html",
                            {"rows": [(application, timeline(application))], "single": True}, request=request)


def countersign_panel(request) -> str:
    """Co-reviewers of a co-issuing department: designation documents awaiting their 会签."""
    designations = selectors.designations_awaiting(request.user)
    if not designations:
        return ""
    return render_to_string("publicity/panels/countersign.html", {"designations": designations}, request=request)
