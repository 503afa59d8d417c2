"""Benchmark review.assignment.solve on a call-sized instance and print the figures as JSON.

5,000 applications x 500 experts (national scale), k = 5 experts per application, max_load 60, ~2 % random
conflicts, 30 % of the experts excluded from the applications of their own city (21 cities); a random draw
(``--draw-seed``, default 20261201) with 5 alternates per application (``--alternates``).

Run from the project root: ``.venv/bin/python bench/assignment_bench.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.assignment import Expert, Item, solve  # noqa: E402

CITIES = 21
SPECIALTIES = [f"s{n}" for n in range(12)]


def instance(n_items: int, n_experts: int, k: int, max_load: int, conflict_rate: float, city_share: float,
             seed: int) -> tuple[list[Item], list[Expert]]:
    rng = random.Random(seed)
    experts, expert_city, city_bound = [], {}, set()
    for expert_id in range(1, n_experts + 1):
        experts.append(Expert(id=expert_id, max_load=max_load,
                              specialties=frozenset(rng.sample(SPECIALTIES, rng.randint(1, 3)))))
        expert_city[expert_id] = rng.randrange(CITIES)
        if rng.random() < city_share:
            city_bound.add(expert_id)
    items = []
    for item_id in range(1, n_items + 1):
        city = rng.randrange(CITIES)
        excluded = {e.id for e in experts if rng.random() < conflict_rate}
        excluded |= {e for e in city_bound if expert_city[e] == city}
        items.append(Item(id=item_id, needed=k, topics=frozenset(rng.sample(SPECIALTIES, 2)),
                          excluded=frozenset(excluded)))
    return items, experts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-load", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2024, help="seed of the instance")
    parser.add_argument("--draw-seed", type=int, default=20261201, help="seed of the random draw (-1: none)")
    parser.add_argument("--alternates", type=int, default=5)
    args = parser.parse_args()

    items, experts = instance(args.items, args.experts, args.k, args.max_load, 0.02, 0.30, args.seed)
    started, cpu = time.perf_counter(), time.process_time()
    result = solve(items, experts, seed=None if args.draw_seed < 0 else args.draw_seed, alternates=args.alternates)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu

    topics = {i.id: i.topics for i in items}
    specialties = {e.id: e.specialties for e in experts}
    matched = sum(1 for item_id, expert_id in result.pairs if topics[item_id] & specialties[expert_id])
    loads = list(result.loads.values())
    print(json.dumps({
        "items": args.items,
        "experts": args.experts,
        "k": args.k,
        "max_load": args.max_load,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # KiB on Linux
        "pairs": len(result.pairs),
        "slots": sum(i.needed for i in items),
        "load_min": min(loads),
        "load_max": max(loads),
        "specialty_matches": matched,
        "shortfalls": len(result.shortfalls),
        "draw_seed": result.seed,
        "alternates": args.alternates,
        "alternates_min": min((len(a) for a in result.alternates.values()), default=0),
    }))


if __name__ == "__main__":
    main()
