"""Why cached public pages stay below 70 % of the minimal view: the same pages served from the Redis cache
(production) and from an in-process cache (REDIS_URL empty: LocMemCache in each worker), each between
two runs of the minimal view. Needs the portal_bench database (bench/run.py generates it).

    .venv/bin/python bench/cache_experiment.py [--seconds 5] [--port 8766]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402
from bench.common import bench_env  # noqa: E402
from bench.run import Server, load_average  # noqa: E402

PAGES = ["/", "/publicity/", "/bases/"]


def rps(server: Server, path: str, *, clients: int, seconds: float) -> float:
    url = server.base + path
    load.wrk_run(url, clients=clients, seconds=1)  # warm-up
    return load.wrk_run(url, clients=clients, seconds=seconds)["rps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(64))
    for label, env in (("Redis cache", bench_env()), ("in-process cache", bench_env(REDIS_URL=""))):
        server = Server(env, workers=4, port=args.port)
        server.start()
        try:
            before = rps(server, "/bench/minimal", clients=args.clients, seconds=args.seconds)
            for path in PAGES:
                page = rps(server, path, clients=args.clients, seconds=args.seconds)
                after = rps(server, "/bench/minimal", clients=args.clients, seconds=args.seconds)
                reference = (before + after) / 2
                print(f"{label:<17} {path:<12} {page:7.0f} rps; minimal view around it {reference:7.0f} rps; "
                      f"ratio {page / reference:.0%}  (load average {load_average()})", flush=True)
                before = after
        finally:
            server.stop()


if __name__ == "__main__":
    main()
