"""The audit events an application's stored state implies (checked by manage.py verify_audit)."""

from applications.models import ApplicationVersion, Attachment


def application_events(application) -> list[tuple[str, dict]]:
    events = [("application.started", {})]
    for number in ApplicationVersion.objects.filter(application=application).values_list("number", flat=True):
        events.append(("application.submitted", {"version": number}))
    for pk in Attachment.objects.filter(application=application).values_list("pk", flat=True):
        events.append(("application.attachment_added", {"attachment": pk}))
    return events
