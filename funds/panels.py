"""The fund programme's panels on the workspaces and on an application's page (registered in AppConfig.ready)."""

from django.template.loader import render_to_string

from funds import selectors
from funds.spec import FUND


def enterprise_panel(request) -> str:
    return render_to_string("funds/panels/enterprise.html", {
        "calls": selectors.open_fund_calls(), "applications": selectors.applications_of_enterprises(request.user)},
        request=request)


def district_panel(request) -> str:
    inbox = list(selectors.district_inbox(request.user))
    return render_to_string("funds/panels/district.html", {"applications": inbox[:20], "count": len(inbox)},
                            request=request)


def fund_officer_panel(request) -> str:
    return render_to_string("funds/panels/officer.html", {"calls": selectors.calls_run_by(request.user)},
                            request=request)


def application_panel(request, *, application) -> str:
    """On a fund application's page: its items with the figures frozen at submission, the reviews, the buttons."""
    if application.call.programme != FUND:
        return ""
    return render_to_string("funds/panels/application.html", {
        "application": application,
        "item_requests": application.item_requests.select_related("item").order_by("item__order"),
        "reviews": selectors.reviews_of(application)}, request=request)
