"""The audit events an application's stored state implies (checked by manage.py verify_audit)."""

from applications.models import ApplicationVersion, Attachment
from portal.audit.selectors import history_of
from portal.workflow import flow_of


def application_events(application) -> list[tuple[str, dict]]:
    attachments = [("application.attachment_added", {"attachment": pk})
                   for pk in Attachment.objects.filter(application=application).values_list("pk", flat=True)]
    # Created by an entry of its programme (a base entering a re-review round with its reports frozen as
    # version 1): that event explains its start and its first version; no park started or submitted it.
    entered = {move.verb for move in flow_of(application).entries if move.verb}
    if entered and history_of(application).filter(verb__in=entered).exists():
        return [(tuple(sorted(entered)), {}), *attachments]
    events = [("application.started", {})]
    for number in ApplicationVersion.objects.filter(application=application).values_list("number", flat=True):
        events.append(("application.submitted", {"version": number}))
    return events + attachments
