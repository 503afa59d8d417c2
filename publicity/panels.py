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


def countersign_panel(request) -> str:
    """Co-reviewers of a co-issuing department: designation documents awaiting their 会签."""
    designations = selectors.designations_awaiting(request.user)
    if not designations:
        return ""
    return render_to_string("publicity/panels/countersign.html", {"designations": designations}, request=request)
