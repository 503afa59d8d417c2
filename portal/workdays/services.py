"""Changes to the working-day calendar's override table, by a system administrator, audited."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.audit.services import record_event
from portal.workdays.models import WorkdayOverride


def _require_administrator(actor) -> None:
    from portal.accounts.services import is_system_administrator

    if actor is not None and not is_system_administrator(actor):
        raise PermissionDenied


@transaction.atomic
def save_override(*, day: date, is_workday: bool, note: str = "", actor=None, request=None) -> WorkdayOverride:
    """Set a day as a holiday (off) or a make-up working day (调休, on); a day already listed is changed."""
    _require_administrator(actor)
    override, _created = WorkdayOverride.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": (note or "").strip()[:100]})
    record_event(verb="workday.saved", actor=actor, target=override, request=request,
                 data={"date": day.isoformat(), "is_workday": is_workday, "note": override.note})
    return override


@transaction.atomic
def delete_override(*, override: WorkdayOverride, actor=None, request=None) -> None:
    _require_administrator(actor)
    record_event(verb="workday.deleted", actor=actor, target=override, request=request,
                 data={"date": override.date.isoformat(), "is_workday": override.is_workday, "note": override.note})
    override.delete()
