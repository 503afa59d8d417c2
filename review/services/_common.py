"""Permission checks and messages shared by the review services."""

from django.core.exceptions import PermissionDenied

from applications.models import Call
from portal.notifications.services import notify
from portal.workflow import flow_of, registry


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _organiser_of(user, call: Call) -> None:
    _require(user, "applications.manage_call", call)


def tell_in_words(obj, name: str, audience: str, *, title: str, body: str, link: str = "", event: str = "") -> None:
    """Tell one audience of the definition's transition ``name`` in the service's own words: a message that is
    not one of the events of portal.notifications.events (those are sent by portal.workflow.perform). Nobody
    is told when the definition does not name the audience."""
    if audience not in flow_of(obj).transition(name).notify:
        return
    notify(recipients=registry.get_audience(audience)(obj), title=title, body=body, link=link, event=event)
