"""Load generators for bench/run.py, on 127.0.0.1 only; every loop is bounded in time and in count.

- ``wrk_run``: Debian's ``wrk`` (C, epoll), the preferred one: it takes little of the CPU that gunicorn
  needs on a 2-core machine, and reports latency percentiles from its own histogram. The Lua scripts in
  bench/wrk/ print the figures as JSON (``report.lua``) and build the objection POSTs (``post.lua``).
- ``python_run``: threads with keep-alive ``http.client`` connections, for when wrk is missing, and for
  pages too slow for a timed run (a bounded number of requests, few clients). On 2 cores the Python
  client competes with gunicorn for the CPU: its throughput figures are lower bounds.
"""

from __future__ import annotations

import http.client
import json
import math
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

WRK_DIR = Path(__file__).resolve().parent / "wrk"
HOST = "127.0.0.1"


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _check_url(url: str) -> None:
    if urlsplit(url).hostname != HOST:
        raise ValueError(f"the load generator only targets {HOST}: {url}")


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return math.nan
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def wrk_run(url: str, *, clients: int, seconds: float, headers: dict[str, str] | None = None,
            script: str = "report.lua", env: dict[str, str] | None = None, timeout: float = 30,
            threads: int = 2) -> dict:
    """One wrk run: requests, rps, p50/p95/p99 in ms, errors (socket errors and non-2xx/3xx answers)."""
    _check_url(url)
    command = [wrk_path() or "wrk", f"-t{min(threads, clients)}", f"-c{clients}", f"-d{max(1, round(seconds))}s",
               f"--timeout={max(1, round(timeout))}s", "-s", str(WRK_DIR / script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + timeout + 30)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures (exit {done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    duration = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "tool": "wrk", "clients": clients, "seconds": round(duration, 2), "requests": raw["requests"],
        "rps": raw["requests"] / duration if duration else 0.0,
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000, "socket_errors": errors, "non_2xx_3xx": raw["status"],
        "bytes": raw["bytes"],
    }


def python_run(url: str, *, clients: int, seconds: float, max_requests: int, headers: dict[str, str] | None = None,
               method: str = "GET", body=None, timeout: float = 30) -> dict:
    """``clients`` threads, each with its own keep-alive connection, until ``seconds`` have passed or
    ``max_requests`` have been sent. ``body`` is None, bytes, or a function of the request number
    returning bytes (e.g. a new phone number per objection)."""
    _check_url(url)
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = [0]
    sent = [0]
    received = [0]
    deadline = time.perf_counter() + seconds

    def take() -> int | None:
        with lock:
            if sent[0] >= max_requests or time.perf_counter() >= deadline:
                return None
            sent[0] += 1
            return sent[0]

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, parts.port or 80, timeout=timeout)
        while (n := take()) is not None:
            payload = body(n) if callable(body) else body
            started = time.perf_counter()
            try:
                connection.request(method, target, body=payload, headers=headers or {})
                response = connection.getresponse()
                size = len(response.read())
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] += 1
                    received[0] += size
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + timeout + 5)
    duration = time.perf_counter() - started
    values = sorted(latencies)
    bad = sum(n for status, n in statuses.items() if not 200 <= status < 400)
    return {
        "tool": "python", "clients": clients, "seconds": round(duration, 2), "requests": len(values),
        "rps": len(values) / duration if duration else 0.0,
        "p50_ms": _percentile(values, 50) * 1000, "p95_ms": _percentile(values, 95) * 1000,
        "p99_ms": _percentile(values, 99) * 1000, "max_ms": (values[-1] * 1000) if values else math.nan,
        "socket_errors": errors[0], "non_2xx_3xx": bad, "bytes": received[0],
        "statuses": {str(k): v for k, v in sorted(statuses.items())}, "latencies_ms": [v * 1000 for v in values],
    }


def summarise(latencies_ms: list[float]) -> dict:
    """Figures of requests sent one after the other (one client): rps is the inverse of the mean latency."""
    values = sorted(latencies_ms)
    total = sum(values) / 1000
    return {"requests": len(values), "seconds": round(total, 2), "rps": len(values) / total if total else 0.0,
            "p50_ms": _percentile(values, 50), "p95_ms": _percentile(values, 95), "p99_ms": _percentile(values, 99),
            "max_ms": values[-1] if values else math.nan}
