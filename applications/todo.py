"""待办 of the park: applications to complete and submit before the deadline."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Call
from applications.selectors import parks_of
from portal.home.todo import Todo, nearest
from portal.workflow import in_group, states_in_group


def park_todos(user) -> list[Todo]:
    parks = parks_of(user)
    open_ones = list(Application.objects.filter(
        park__in=parks, state__in=states_in_group("application", "editable"),
        call__status=Call.Status.OPEN, call__park_deadline__gt=timezone.now()).select_related("call"))
    todos = []
    returned = [a for a in open_ones if in_group(a, "returned")]
    drafts = [a for a in open_ones if not in_group(a, "returned")]
    for key, label, items in (("to_revise", _("Returned applications to revise and resubmit"), returned),
                              ("to_submit", _("Draft applications to complete and submit"), drafts)):
        if items:
            url = reverse("applications:detail", args=[items[0].pk]) if len(items) == 1 else reverse("workspace-park")
            todos.append(Todo(label, len(items), url, nearest(a.call.park_deadline for a in items), key=key))
    return todos
