"""The vocabulary of a workflow definition: states, groups, transitions, review tiers.

A definition is data. It names its rules (permissions registered with ``rules``), guards and
audiences by string, so that a definition module imports nothing but this package and gettext; the
engine resolves the names when the project starts and refuses to start when one is unknown
(see :mod:`portal.workflow.checks`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class State:
    """One state of an object: its stored value and its label (an English msgid)."""

    value: str
    label: object


@dataclass(frozen=True)
class Transition:
    """A move of an object from one of ``source`` to ``target``.

    source      the states it leaves; empty for an *entry*: the object is created in ``target`` (a postal
                objection registered at once, a conflict the expert declares, confirmed at once).
    name        the method django-fsm puts on the model (``application.approve()``) and the key by
                which services and templates ask for it.
    permission  a ``rules`` permission checked with the object (``user.has_perm(permission, obj)``).
    guards      names of guards (``portal.workflow.guard``) that must all hold, e.g. "before the deadline".
    verb        the audit verb the service records (``record_event(verb=...)``); the audit check
                expects it in the history of an object that reached ``target``, unless ``audited_on``
                names the other object whose history holds it (e.g. the recommendation letter that
                recommends several applications at once).
    notify      names of audiences (``portal.workflow.audience``) told of the move; or a mapping audience →
                message (an event of ``portal.notifications.events``) when an audience is told with another
                message than the one named by ``verb``.
    label       the button's text; ``url`` the URL name of the page or form that performs it (the
                object's pk is its argument unless ``url_args`` names attributes); ``css`` the button class.
                Several transitions performed on one page share its ``url`` and ``label``: the page
                shows one button for them.
    """

    name: str
    source: frozenset[str] | set[str] | str
    target: str
    permission: str
    verb: str = ""
    audited_on: str = ""
    notify: tuple[str, ...] | Mapping[str, str] = ()
    events: Mapping[str, str] = field(default_factory=dict)
    guards: tuple[str, ...] = ()
    label: object = ""
    url: str = ""
    url_args: tuple[str, ...] = ("pk",)
    css: str = "btn-primary"

    def __post_init__(self):
        source = {self.source} if isinstance(self.source, str) else set(self.source)
        object.__setattr__(self, "source", frozenset(source))
        if isinstance(self.notify, Mapping):
            object.__setattr__(self, "events", {**self.notify, **self.events})
        object.__setattr__(self, "notify", tuple(self.notify))
        object.__setattr__(self, "guards", tuple(self.guards))

    @property
    def is_entry(self) -> bool:
        """Created in ``target`` rather than moved there."""
        return not self.source

    def event_for(self, audience: str) -> str:
        """The message an audience of ``notify`` is sent."""
        return self.events.get(audience, self.verb)


@dataclass(frozen=True)
class ObjectFlow:
    """The life of one kind of object (application, recommendation, notice…) in one programme."""

    states: tuple[State, ...]
    transitions: tuple[Transition, ...] = ()
    initial: str = ""
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "states", tuple(self.states))
        object.__setattr__(self, "transitions", tuple(self.transitions))
        object.__setattr__(self, "groups", {k: frozenset(v) for k, v in self.groups.items()})
        if not self.initial and self.states:
            object.__setattr__(self, "initial", self.states[0].value)

    @property
    def values(self) -> list[str]:
        return [s.value for s in self.states]

    def label_of(self, value: str):
        return next((s.label for s in self.states if s.value == value), value)

    def group(self, name: str) -> frozenset[str]:
        """The states of a named group; an unknown group is an error, not an empty set."""
        try:
            return self.groups[name]
        except KeyError:
            raise KeyError(f"no state group {name!r}; known: {sorted(self.groups)}") from None

    def states_of(self, name: str) -> list[str]:
        """The states of a group in declaration order (for ``state__in=`` and choices)."""
        group = self.group(name)
        return [value for value in self.values if value in group]

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(f"no transition {name!r}")

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    @property
    def entries(self) -> list[Transition]:
        """The ways an object is created in a state of its own (``Transition.is_entry``)."""
        return [t for t in self.transitions if t.is_entry]

    def matrix(self) -> dict[str, list[tuple[str, str]]]:
        """state → the (transition, permission) pairs possible from it: the state-dependent rows of the
        permission matrix (who may act on an object depends on its state and on the permission)."""
        return {state: [(t.name, t.permission) for t in self.transitions_from(state)] for state in self.values}

    def verbs_into(self, state: str) -> set[str]:
        """The audit verbs of the transitions that lead into ``state``."""
        return {t.verb for t in self.transitions if t.target == state and t.verb and not t.audited_on}


@dataclass(frozen=True)
class Tier:
    """One level of the review chain (评审链): the units that review at a region level.

    key             stable name ("city", "province", "nation", "district").
    region_level    the level of the unit's region ("city", "province", "district"), or "" for the nation.
    reviewer_role / reviewer_kind           the role and organisation kind of the unit's reviewers.
    coreviewer_role / coreviewer_kinds      those of the departments that co-review with it (会审).
    quota_by_pilot_place    when this tier recommends, its quota counts per pilot place (服务外包示范城市 or
                            服务贸易创新发展试点地区, seed 001) rather than per unit.
    """

    key: str
    label: object
    region_level: str
    reviewer_role: str
    reviewer_kind: str
    coreviewer_role: str = ""
    coreviewer_kinds: tuple[str, ...] = ()
    quota_by_pilot_place: bool = False


@dataclass(frozen=True)
class Workflow:
    """One programme (申报项目类型): its object flows and its review chain.

    ``chain`` is the review chain, first tier first (the unit that reviews and recommends, then the
    tier it recommends to). A programme whose chain depends on the call gives ``chains`` instead, keyed
    by the value of the call's attribute ``chain_by`` (e.g. ``level``: provincial → [city, province],
    national → [province, nation]).
    """

    key: str
    label: object
    objects: Mapping[str, ObjectFlow]
    chain: tuple[Tier, ...] = ()
    chains: Mapping[str, tuple[Tier, ...]] = field(default_factory=dict)
    chain_by: str = ""

    def __post_init__(self):
        object.__setattr__(self, "chain", tuple(self.chain))
        object.__setattr__(self, "chains", {k: tuple(v) for k, v in self.chains.items()})

    def flow(self, object_key: str) -> ObjectFlow:
        try:
            return self.objects[object_key]
        except KeyError:
            raise KeyError(f"programme {self.key!r} has no flow for {object_key!r}") from None

    def chain_for(self, call) -> tuple[Tier, ...]:
        """The review chain a call follows."""
        if self.chains:
            return self.chains[getattr(call, self.chain_by)]
        return self.chain

    def recommending_tier(self, call) -> Tier:
        """The first tier of the call's chain: the unit that reviews the parks and recommends them."""
        return self.chain_for(call)[0]

    def deciding_tier(self, call) -> Tier:
        """The tier the recommendations go to (the organiser's)."""
        return self.chain_for(call)[-1]

    def all_tiers(self) -> list[Tier]:
        tiers = list(self.chain) + [t for chain in self.chains.values() for t in chain]
        return list({t.key: t for t in tiers}.values())
