"""待办: what awaits a user in each workspace, with counts and the nearest deadline in working days.

Apps register providers per workspace (in AppConfig.ready), so that the shared core imports none of
them. A provider takes the user and returns ``Todo`` items; items with nothing to do are not shown.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

TODO_PROVIDERS: dict[str, list] = {}


@dataclass
class Todo:
    label: str
    count: int
    url: str
    deadline: date | datetime | None = None
    key: str = ""

    @property
    def deadline_day(self) -> date | None:
        if isinstance(self.deadline, datetime):
            return timezone.localtime(self.deadline).date()
        return self.deadline

    @property
    def working_days_left(self) -> int | None:
        """Working days from today to the deadline; None without one or for a year not yet known."""
        from portal.workdays import UnknownYear, workdays_between

        if self.deadline_day is None:
            return None
        try:
            return workdays_between(timezone.localdate(), self.deadline_day)
        except UnknownYear:
            return None

    @property
    def overdue(self) -> bool:
        return self.deadline_day is not None and self.deadline_day < timezone.localdate()


def register_todo(key: str, provider) -> None:
    TODO_PROVIDERS.setdefault(key, [])
    if provider not in TODO_PROVIDERS[key]:
        TODO_PROVIDERS[key].append(provider)


def nearest(deadlines) -> date | datetime | None:
    """The earliest deadline not yet passed, else the latest passed one."""
    values = [d for d in deadlines if d is not None]
    if not values:
        return None
    now = timezone.now()
    future = [d for d in values if (d if isinstance(d, datetime) else timezone.make_aware(
        datetime.combine(d, datetime.max.time()))) >= now]
    return min(future) if future else max(values)


def todos_for(key: str, user) -> list[Todo]:
    items = [todo for provider in TODO_PROVIDERS.get(key, []) for todo in provider(user)]
    return [t for t in items if t.count > 0]
