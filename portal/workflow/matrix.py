"""The state-dependent rows of the permission matrix, from the registered definitions.

A transition with a ``url`` is performed on a page: who may perform it there depends on the object's state
(its ``source``), on the permission the user holds on the object and on its guards. Each such transition is
one :class:`Row`; the permission matrix of a programme probes every row in every state its test world can
put the object into, against its own table of who holds each permission::

    from portal.workflow import matrix

    for row in matrix.rows("fund"):
        row.url, row.url_for(application), row.source, row.target, row.permission

:func:`url_names` are the URLs these rows cover (a matrix keeps no hand-written rule for them);
:func:`pages` groups the rows performed on one page (one URL of one object, e.g. the three decisions of
the preliminary review).
"""

from dataclasses import dataclass

from portal.workflow import registry
from portal.workflow.actions import _url
from portal.workflow.definition import Transition


@dataclass(frozen=True)
class Row:
    """One transition performed on a page: (url name, url args, object key, source states, target,
    permission), with the programme, the transition and its guards."""

    programme: str
    object_key: str
    transition: str
    url: str
    url_args: tuple[str, ...]
    source: frozenset[str]
    target: str
    permission: str
    guards: tuple[str, ...]
    states: tuple[str, ...]  # every state of the object's flow, in declaration order

    @classmethod
    def of(cls, programme: str, object_key: str, move: Transition, states: tuple[str, ...]) -> "Row":
        return cls(programme=programme, object_key=object_key, transition=move.name, url=move.url,
                   url_args=tuple(move.url_args), source=move.source, target=move.target,
                   permission=move.permission, guards=move.guards, states=states)

    @property
    def outside(self) -> tuple[str, ...]:
        """The states of the flow from which the transition is not possible."""
        return tuple(state for state in self.states if state not in self.source)

    def url_for(self, obj) -> str:
        """The page's address for ``obj`` (its ``url_args`` resolved on the object)."""
        return _url(registry.get_workflow(self.programme).flow(self.object_key).transition(self.transition), obj)


def rows(programme: str | None = None) -> list[Row]:
    """Every transition with a ``url`` of every registered programme (or of ``programme``), in definition
    order. Entries (created in their state) have no source and no row."""
    found = []
    for workflow in registry.workflows():
        if programme is not None and workflow.key != programme:
            continue
        for object_key, flow in workflow.objects.items():
            states = tuple(flow.values)
            found += [Row.of(workflow.key, object_key, move, states) for move in flow.transitions
                      if move.url and not move.is_entry]
    return found


def url_names(programme: str | None = None) -> set[str]:
    """The URL names of the rows: the pages that perform a transition."""
    return {row.url for row in rows(programme)}


def pages(programme: str | None = None) -> dict[tuple[str, str, str], list[Row]]:
    """(programme, object key, url name) → the rows performed on that page."""
    grouped: dict[tuple[str, str, str], list[Row]] = {}
    for row in rows(programme):
        grouped.setdefault((row.programme, row.object_key, row.url), []).append(row)
    return grouped
