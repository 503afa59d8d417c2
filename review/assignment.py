"""Assign experts to applications with a min-cost max-flow (pure Python API, no Django).

The problem
-----------
Each application (``Item``) still needs ``needed`` experts; an expert may not review an application
whose ``excluded`` set names them (conflict of interest, already assigned), may not exceed ``max_load``
applications in the call counting the ``current_load`` already assigned by hand, and reviews a given
application at most once.  Objectives, in strict order of priority:

1. fill as many slots as possible (a complete assignment whenever one exists);
2. balance the experts' total loads (current + new): the optimum minimises the sum of squares of the
   loads, which on this kind of problem also minimises max(load) - min(load); in particular the spread
   is at most 1 whenever the exclusions and maximum loads allow it;
3. prefer experts whose ``specialties`` intersect the application's ``topics``.

The network
-----------
``source -> item`` (capacity ``needed``, cost 0), ``item -> expert`` for every eligible pair
(capacity 1, which forbids duplicates; cost 0 when specialties match the topics, else
``MISMATCH_PENALTY``), and for each expert ``max_load - current_load`` parallel unit arcs
``expert -> sink``, the arc for the expert's L-th application (L counts ``current_load``) costing
``L * balance_unit``.  Marginal costs that grow with L make the cost of an expert's load convex
(``balance_unit * L(L+1)/2``) and min-cost flow then fills the least-loaded experts first.

Weights
-------
``MISMATCH_PENALTY = 1`` per pair whose expert has no specialty among the item's topics (the same as a
bonus of 1 for a match).  ``balance_unit = S + 1`` where S is the total number of slots requested
(sum of ``needed``).  Two load vectors with the same total differ by a whole number of
``balance_unit`` in balance cost, and the specialty term can change by at most S, so a better balance
always beats any number of specialty matches: specialties only choose among equally balanced answers.
Coverage comes first by construction: the solver computes a maximum flow and, among maximum flows,
one of minimum cost.

Solver choice
-------------
OR-Tools' ``SimpleMinCostFlow.solve_max_flow_with_min_cost`` (C++, cost scaling; package ``ortools``):
an exact integer min-cost-flow solver made for this, with a "maximum flow first, then minimum cost"
mode that gives the lexicographic objective without a big-M penalty, integral flows by construction,
deterministic output for a given input, memory linear in the number of arcs, and a fraction of a second
on 1,000 items x 300 experts.  Rejected: ``scipy.optimize.linprog`` (a general LP on ~300k variables is
several times slower and integrality relies on the solver returning a vertex),
``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (needs a *full* matching, so maximum
coverage under shortfalls would need extra dummy nodes, plus one column per load unit), and pure-Python
successive shortest paths (far too slow at this size).  A greedy loop is not an option: it can leave
slots empty where a complete assignment exists.

Determinism: items and experts are sorted by id before the network is built, so the same input
(in any order) gives the same output.

Random draw (随机抽取)
---------------------
With ``seed`` the solver draws at random among the optimal answers, so that nobody can predict who
reviews whom, and the same seed (recorded in the audit log) reproduces the draw exactly. Every pair arc
gets a random cost ``r`` in ``[0, RANDOM_RANGE)`` from ``numpy.random.default_rng(seed)`` (drawn in
item-id order), below everything else: the specialty unit becomes ``W = S * (RANDOM_RANGE - 1) + 1``
(more than all random costs together) and ``balance_unit = S * (W + RANDOM_RANGE - 1) + 1`` (more than
all pair costs together). Coverage, balance and specialties keep their strict priority; the random
costs only choose among answers equal on all three, i.e. the guarantees are those of the deterministic
solver (never conflicted, loads respected, spread at most 1 whenever feasible).

Alternates (备选)
----------------
With ``alternates=k`` the result also lists, per item, up to k eligible experts not assigned to it
(not excluded, not at their maximum load after the draw), the least-loaded first, specialty matches
before others, random order among equals (same seed). They replace an expert who declines or declares
a conflict; the caller checks again at that moment that the alternate is still free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

MISMATCH_PENALTY = 1
"""Cost of pairing an expert none of whose specialties is among the item's topics."""
RANDOM_RANGE = 64
"""Random costs of a seeded draw are drawn from [0, RANDOM_RANGE)."""


@dataclass(frozen=True)
class Expert:
    id: int
    max_load: int  # at most this many applications in this call
    specialties: frozenset[str]
    current_load: int = 0  # applications already assigned (manual assignments kept)


@dataclass(frozen=True)
class Item:  # an application to cover
    id: int
    needed: int  # experts still needed (k minus those already assigned)
    topics: frozenset[str]  # specialties relevant to the dossier
    excluded: frozenset[int]  # expert ids that must never be assigned (conflicts, already assigned)


@dataclass
class Shortfall:
    item_id: int
    missing: int
    reason: str  # English, human-readable (for logs and tests)
    counts: dict | None = None  # needed, assigned, eligible, unavailable: for ``message``

    @property
    def message(self) -> str:
        """The reason in the portal's language, for the organiser's page."""
        from django.utils.translation import gettext as _

        if not self.counts:
            return self.reason
        values = {**self.counts, "full": self.counts["eligible"] - self.counts["assigned"]}
        if values["eligible"] < values["needed"]:
            text = (_("only %(eligible)s eligible expert(s) (%(unavailable)s with a conflict or inactive)") % values
                    if values["eligible"] else
                    _("no eligible expert (%(unavailable)s with a conflict or inactive)") % values)
            if values["full"] > 0:
                text += _("; the other %(full)s at their maximum load") % values
            return text
        return _("the eligible experts are at their maximum load (%(eligible)s eligible, %(assigned)s assigned "
                 "here, %(full)s full; %(unavailable)s with a conflict or inactive)") % values


@dataclass
class Result:
    pairs: list[tuple[int, int]]  # (item_id, expert_id)
    shortfalls: list[Shortfall]  # empty when every item got its `needed`
    loads: dict[int, int]  # expert id -> total load after assignment (current + new)
    alternates: dict[int, list[int]] = field(default_factory=dict)  # item id -> alternate expert ids, in order
    seed: int | None = None


def _experts(n: int) -> str:
    return f"{n} eligible expert" if n == 1 else f"{n} eligible experts"


def _shortfall_reason(needed: int, assigned: int, eligible: int, unavailable: int) -> str:
    """Why an item got ``assigned < needed`` experts in a maximum assignment.

    Every eligible expert not assigned to the item is at their maximum load: otherwise the flow could be
    augmented along source -> item -> that expert -> sink and would not be maximum.
    """
    full = eligible - assigned
    if eligible < needed:
        counted = f"only {_experts(eligible)}" if eligible else "no eligible experts"
        reason = f"{counted} ({unavailable} conflicted or inactive)"
        if full > 0:
            reason += f"; the other {full} {'is' if full == 1 else 'are'} at their maximum load"
        return reason
    return (f"eligible experts are at their maximum load ({eligible} eligible, {assigned} assigned here, "
            f"{full} full; {unavailable} conflicted or inactive)")


def solve(items: list[Item], experts: list[Expert], *, seed: int | None = None, alternates: int = 0) -> Result:
    """Assign experts to items: maximum coverage, then balanced loads, then specialty matches; with a
    ``seed``, at random among the answers equal on those three; with ``alternates``, k alternates per item."""
    experts = sorted(experts, key=lambda e: e.id)
    items = sorted(items, key=lambda i: i.id)
    expert_ids = [e.id for e in experts]
    if len(set(expert_ids)) != len(expert_ids):
        raise ValueError("duplicate expert id")
    if len({i.id for i in items}) != len(items):
        raise ValueError("duplicate item id")

    n_items, n_experts = len(items), len(experts)
    capacity = [max(0, e.max_load - max(0, e.current_load)) for e in experts]
    needed = [max(0, i.needed) for i in items]
    total_slots = sum(needed)
    loads = {e.id: e.current_load for e in experts}
    rng = np.random.default_rng(seed) if seed is not None else None
    if total_slots == 0 or sum(capacity) == 0:
        return _finish(items, experts, needed, [], loads, rng, alternates, seed)

    # Nodes: 0 = source, 1..n_items = items, then experts, then the sink.  Arcs are built with numpy,
    # one vector per item, to keep memory near the solver's own (a few dozen bytes per arc).
    source, sink = 0, n_items + n_experts + 1
    expert_node0 = n_items + 1
    active = np.array(capacity, dtype=np.int64) > 0
    column = {e.id: j for j, e in enumerate(experts)}
    has_specialty: dict[str, np.ndarray] = {}
    for j, expert in enumerate(experts):
        for specialty in expert.specialties:
            has_specialty.setdefault(specialty, np.zeros(n_experts, dtype=bool))[j] = True
    no_match = np.zeros(n_experts, dtype=bool)
    item_nodes = [node for node, n in enumerate(needed, start=1) if n]
    tails = [np.zeros(len(item_nodes), dtype=np.int32)]
    heads = [np.array(item_nodes, dtype=np.int32)]
    caps = [np.array([needed[node - 1] for node in item_nodes], dtype=np.int64)]
    costs = [np.zeros(len(item_nodes), dtype=np.int64)]
    n_pairs = 0
    if rng is None:
        mismatch_cost, random_range = MISMATCH_PENALTY, 0
    else:
        random_range = RANDOM_RANGE
        mismatch_cost = total_slots * (RANDOM_RANGE - 1) + 1
    for node in item_nodes:
        item = items[node - 1]
        eligible = active.copy()
        eligible[[column[x] for x in item.excluded if x in column]] = False
        cols = np.flatnonzero(eligible)
        match = no_match
        for topic in item.topics:
            if topic in has_specialty:
                match = match | has_specialty[topic]
        tails.append(np.full(len(cols), node, dtype=np.int32))
        heads.append((cols + expert_node0).astype(np.int32))
        caps.append(np.ones(len(cols), dtype=np.int64))
        pair_costs = np.where(match[cols], 0, mismatch_cost).astype(np.int64)
        if rng is not None:
            pair_costs += rng.integers(0, random_range, size=len(cols), dtype=np.int64)
        costs.append(pair_costs)
        n_pairs += len(cols)
    if n_pairs == 0:
        return _finish(items, experts, needed, [], loads, rng, alternates, seed)

    balance_unit = total_slots * (mismatch_cost + max(0, random_range - 1)) + 1
    for j, expert in enumerate(experts):
        if capacity[j]:
            first = max(0, expert.current_load) + 1
            tails.append(np.full(capacity[j], expert_node0 + j, dtype=np.int32))
            heads.append(np.full(capacity[j], sink, dtype=np.int32))
            caps.append(np.ones(capacity[j], dtype=np.int64))
            costs.append(np.arange(first, first + capacity[j], dtype=np.int64) * balance_unit)
    all_tails, all_heads = np.concatenate(tails), np.concatenate(heads)
    all_caps, all_costs = np.concatenate(caps), np.concatenate(costs)
    del tails, heads, caps, costs
    n_cap = len(item_nodes)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads, all_caps, all_costs)
    del all_caps, all_costs
    flow.set_node_supply(source, total_slots)
    flow.set_node_supply(sink, -total_slots)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")

    pair_arcs = arcs[n_cap:n_cap + n_pairs]
    used = np.flatnonzero(flow.flows(pair_arcs)) + n_cap
    pairs = []
    for tail, head in zip(all_tails[used].tolist(), all_heads[used].tolist(), strict=True):
        item, expert = items[tail - 1], experts[head - expert_node0]
        pairs.append((item.id, expert.id))
        loads[expert.id] += 1
    return _finish(items, experts, needed, pairs, loads, rng, alternates, seed)


def _finish(items, experts, needed, pairs, loads, rng, alternates: int, seed: int | None) -> Result:
    result = _result(items, experts, needed, pairs, loads)
    result.seed = seed
    if alternates > 0:
        result.alternates = choose_alternates(items, experts, result, k=alternates, rng=rng)
    return result


def choose_alternates(items: list[Item], experts: list[Expert], result: Result, *, k: int,
                      rng: np.random.Generator | None) -> dict[int, list[int]]:
    """Per item, up to k experts that could replace one of its experts: eligible (not excluded, not
    assigned to it, below their maximum load after the draw), least loaded first, then specialty
    matches, then at random (by id without a generator)."""
    experts = sorted(experts, key=lambda e: e.id)
    n = len(experts)
    if n == 0:
        return {}
    ids = np.array([e.id for e in experts], dtype=np.int64)
    column = {e.id: j for j, e in enumerate(experts)}
    load = np.array([result.loads.get(e.id, e.current_load) for e in experts], dtype=np.int64)
    free = load < np.array([e.max_load for e in experts], dtype=np.int64)
    has_specialty: dict[str, np.ndarray] = {}
    for j, expert in enumerate(experts):
        for specialty in expert.specialties:
            has_specialty.setdefault(specialty, np.zeros(n, dtype=bool))[j] = True
    assigned: dict[int, list[int]] = {}
    for item_id, expert_id in result.pairs:
        assigned.setdefault(item_id, []).append(expert_id)
    chosen: dict[int, list[int]] = {}
    for item in sorted(items, key=lambda i: i.id):
        eligible = free.copy()
        blocked = [column[x] for x in (*item.excluded, *assigned.get(item.id, ())) if x in column]
        eligible[blocked] = False
        cols = np.flatnonzero(eligible)
        tiebreak = rng.random(len(cols)) if rng is not None else np.arange(len(cols))
        if not len(cols):
            chosen[item.id] = []
            continue
        match = np.zeros(n, dtype=bool)
        for topic in item.topics:
            if topic in has_specialty:
                match |= has_specialty[topic]
        order = np.lexsort((tiebreak, ~match[cols], load[cols]))[:k]
        chosen[item.id] = ids[cols[order]].tolist()
    return chosen


def _result(items: list[Item], experts: list[Expert], needed: list[int], pairs: list[tuple[int, int]],
            loads: dict[int, int]) -> Result:
    pairs.sort()
    assigned: dict[int, int] = {}
    for item_id, _ in pairs:
        assigned[item_id] = assigned.get(item_id, 0) + 1
    known = {e.id for e in experts}
    inactive = {e.id for e in experts if e.max_load <= 0}
    shortfalls = []
    for item, want in zip(items, needed, strict=True):
        got = assigned.get(item.id, 0)
        if got >= want:
            continue
        unavailable = len((item.excluded & known) | inactive)
        eligible = len(experts) - unavailable
        shortfalls.append(Shortfall(item.id, want - got, _shortfall_reason(want, got, eligible, unavailable),
                                    {"needed": want, "assigned": got, "eligible": eligible,
                                     "unavailable": unavailable}))
    return Result(pairs=pairs, shortfalls=shortfalls, loads=loads)
