"""待办 of the organiser in publicity: objections to handle, bases to designate once the window ends."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.rules import is_organiser_of_call
from applications.selectors import calls_managed_by
from portal.home.todo import Todo
from publicity.models import Designation, Notice, Objection


def organiser_todos(user) -> list[Todo]:
    calls = [c for c in calls_managed_by(user) if c.status != "draft" and is_organiser_of_call(user, c)]
    todos = []
    notices = Notice.objects.filter(call__in=calls).exclude(status__in=[Notice.Status.DRAFT, Notice.Status.WITHDRAWN]) \
        .select_related("call")
    # A designation drafted for 会签 but not yet published leaves the bases still to designate.
    designated = set(Designation.objects.filter(call__in=calls, status=Designation.Status.PUBLISHED)
                     .values_list("call_id", flat=True))
    for notice in notices:
        undecided = Objection.objects.filter(notice=notice).exclude(status=Objection.Status.DECIDED).count()
        url = reverse("publicity:manage-notice", args=[notice.call_id])
        todos.append(Todo(_("Objections to handle: %(call)s") % {"call": notice.call.title}, undecided, url,
                          notice.window_end, key="objections"))
        ended = notice.closes_at and timezone.now() > notice.closes_at
        if ended and notice.call_id not in designated:
            todos.append(Todo(_("Bases to designate (the notice period has ended): %(call)s")
                              % {"call": notice.call.title}, 1, url, key="to_designate"))
    return todos
