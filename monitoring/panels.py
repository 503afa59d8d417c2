from django.template.loader import render_to_string


def dashboard_panel(request) -> str:
    """The organiser's and the city bureau's workspace: a link to the statistics dashboard."""
    if not request.user.has_perm("monitoring.view_dashboard"):
        return ""
    return render_to_string("monitoring/panels/dashboard.html", {}, request=request)


def base_panel(request) -> str:
    """The park's workspace: a link to the statistics page of each of its designated bases."""
    from monitoring.selectors import bases_of_park

    bases = bases_of_park(request.user)
    if not bases:
        return ""
    return render_to_string("monitoring/panels/bases.html", {"bases": bases}, request=request)
