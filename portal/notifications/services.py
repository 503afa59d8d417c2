from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import record_event
from portal.notifications.events import EVENTS_BY_KEY, fill
from portal.notifications.models import MessageTemplate, Notification


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "",
           event: str = "") -> list[Notification]:
    """Create in-app notifications and queue their emails once the transaction commits."""
    created = [
        Notification.objects.create(recipient=user, title=str(title)[:200], body=body, link=link, event=event)
        for user in {u.pk: u for u in recipients if u is not None}.values()
    ]
    ids = [n.pk for n in created]
    if ids:
        from portal.notifications.tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(ids))
    return created


def _call_id(call) -> int | None:
    return getattr(call, "pk", call)


def render_event(*, event: str, call=None, context: dict, link: str = "") -> tuple[str, str]:
    """The title and text of ``event`` for ``call``: the organiser's wording if there is one, else the
    default, in the portal's language whoever acts, with the placeholders filled."""
    definition = EVENTS_BY_KEY[event]
    template = None
    if call is not None:
        template = MessageTemplate.objects.filter(call_id=_call_id(call), event=event).first()
    values = {k: ("" if v is None else v) for k, v in context.items()}
    values.setdefault("link", f"{settings.PORTAL_BASE_URL}{link}" if link.startswith("/") else link)
    with translation.override(settings.LANGUAGE_CODE):
        title = template.title if template else str(definition.title)
        body = template.body if template else str(definition.body)
        values = {k: str(v) for k, v in values.items()}
        return fill(title, values).strip(), fill(body, values).strip()


def notify_event(*, event: str, recipients: Iterable, context: dict, call=None,
                 link: str = "") -> list[Notification]:
    """Tell ``recipients`` of ``event`` in the portal and by e-mail, worded per call."""
    recipients = list(recipients)
    if not recipients:
        return []
    title, body = render_event(event=event, call=call, context=context, link=link)
    return notify(recipients=recipients, title=title, body=body, link=link, event=event)


def _check_template(event: str, title: str, body: str) -> tuple[str, str]:
    if event not in EVENTS_BY_KEY:
        raise ValidationError(_("Unknown event."))
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Write the title.")
    elif len(title) > 200:
        errors["title"] = _("The title may have at most 200 characters.")
    if not body:
        errors["body"] = _("Write the message.")
    if errors:
        raise ValidationError(errors)
    return title, body


@transaction.atomic
def save_template(*, user, call, event: str, title: str, body: str, request=None) -> MessageTemplate:
    """The organiser's wording of an event's message for a call (audited)."""
    if not user.has_perm("applications.manage_call", call):
        raise PermissionDenied
    title, body = _check_template(event, title, body)
    template, _created = MessageTemplate.objects.update_or_create(
        call_id=call.pk, event=event, defaults={"title": title, "body": body, "updated_by": user})
    record_event(verb="message_template.saved", actor=user, target=call,
                 organization=getattr(call, "organiser", None), data={"event": event}, request=request)
    return template


@transaction.atomic
def reset_template(*, user, call, event: str, request=None) -> None:
    """Back to the default wording."""
    if not user.has_perm("applications.manage_call", call):
        raise PermissionDenied
    deleted, _rows = MessageTemplate.objects.filter(call_id=call.pk, event=event).delete()
    if deleted:
        record_event(verb="message_template.reset", actor=user, target=call,
                     organization=getattr(call, "organiser", None), data={"event": event}, request=request)


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
