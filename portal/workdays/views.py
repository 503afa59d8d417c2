"""Working-day calendar screens: the years and one year's record (officers and administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.formerrors import add_errors
from portal.workdays import library_knows, services
from portal.workdays.forms import CalendarYearForm, ReopenYearForm
from portal.workdays.models import CalendarYear
from portal.workdays.selectors import years_overview


def _require(request) -> None:
    if not request.user.has_perm("workdays.manage_calendar"):
        raise PermissionDenied


@login_required
def years(request):
    _require(request)
    return render(request, "workdays/years.html", {"rows": years_overview()})


@login_required
def year(request, year: int):
    _require(request)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404
    record = CalendarYear.objects.filter(year=year).first()
    initial = {"notice_number": record.notice_number, "notice_date": record.notice_date,
               "holidays": record.holidays, "makeup_days": record.makeup_days} if record else {}
    form, reopen_form, status = CalendarYearForm(initial=initial), ReopenYearForm(), 200
    if request.method == "POST":
        action = request.POST.get("_action")
        status = 400
        try:
            if action == "save" or action == "declare":
                form = CalendarYearForm(request.POST)
                if form.is_valid():
                    services.save_calendar_year(year=year, user=request.user, request=request, **form.cleaned_data)
                    if action == "declare":
                        services.declare_year_complete(year=year, user=request.user, request=request)
                        messages.success(request, _("%(year)s is declared complete: its working days are known.")
                                         % {"year": year})
                    else:
                        messages.success(request, _("The schedule of %(year)s is saved (not yet declared complete).")
                                         % {"year": year})
                    return redirect("workdays:year", year=year)
            elif action == "reopen":
                reopen_form = ReopenYearForm(request.POST)
                if reopen_form.is_valid():
                    services.reopen_year(year=year, user=request.user, request=request,
                                         reason=reopen_form.cleaned_data["reason"])
                    messages.warning(request, _("%(year)s is reopened: its dates are unknown until declared again.")
                                     % {"year": year})
                    return redirect("workdays:year", year=year)
        except ValidationError as exc:
            add_errors(reopen_form if action == "reopen" else form, exc)
    return render(request, "workdays/year.html", {
        "year": year, "record": record, "form": form, "reopen_form": reopen_form,
        "library": library_knows(year),
    }, status=status)
