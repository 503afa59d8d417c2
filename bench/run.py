"""``make bench``: the portal's performance on this machine, against the real stack.

1. generates the data set at national scale in PostgreSQL database ``portal_bench`` (bench/generate.py);
2. collects the static files (into bench/.staticfiles) and writes the query plans of the pages
   (bench/explain.py -> bench/explain.txt);
3. starts gunicorn (bench.wsgi: the portal's URLs plus /bench/minimal, production settings, DEBUG off,
   Redis cache) with WORKERS sync workers on 127.0.0.1:PORT;
4. loads each page with wrk on loopback for DURATION seconds after a warm-up (Python threads if wrk is
   missing) and compares its throughput with the minimal view measured just before and after it at the
   same number of clients. A page of which wrk sees fewer than 2 x CLIENTS answers is measured with one
   wave of CLIENTS concurrent requests instead (all waited for); a page slower than SLOW_SECONDS alone,
   with a few sequential requests. Every loop is bounded in time and count, on 127.0.0.1 only;
5. stops gunicorn (always), then times the batch jobs, each in its own process (bench/jobs.py,
   bench/assignment_bench.py);
6. prints a table, writes bench/results.json (the figures) and bench/results-detail.json (how each was
   obtained, the targets met or missed).

Options: --skip-generate (reuse portal_bench), --duration S per page (default 10), --quick.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402
from bench.common import BENCH, ROOT, VENV_BIN, bench_env, load_data, valid_id_number  # noqa: E402

RESULTS = BENCH / "results.json"
DETAIL = BENCH / "results-detail.json"
GUNICORN_LOG = BENCH / ".gunicorn.log"
SLOW_SECONDS = 5.0  # a page slower than this alone is measured with a few sequential requests
SLOW_REQUESTS = 3
VERY_SLOW_SECONDS = 10  # ... and one slower than this with two requests, to stay within the time budget
SLOW_LIMIT_SECONDS = 150
REQUEST_TIMEOUT = 170
REFERENCE_SECONDS = 5  # the minimal view around each page
PUBLIC_TARGET_RATIO = 0.90
SIGNED_IN_P95_MS = 100
BOUNDED_GROWTH_MB = 32
# Batch targets (issue 17): job -> (seconds, peak MB or None)
JOB_TARGETS = {"ranking_xlsx": (10, 150), "dossier_pdf": (2, 250), "assignment": (10, None)}
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run_step(args: list[str], env: dict, *, timeout: float, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


def ensure_wrk() -> str | None:
    if load.wrk_path():
        return load.wrk_path()
    if os.geteuid() == 0 and Path("/usr/bin/apt-get").exists():
        say("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, timeout=300)
    if not load.wrk_path():
        say("wrk is not available (install the Debian package wrk): using the Python load generator")
    return load.wrk_path()


# --- gunicorn --------------------------------------------------------------------------------------

class Server:
    def __init__(self, env: dict, *, workers: int, port: int):
        self.env, self.workers, self.port = env, workers, port
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{port}"

    def command(self) -> list[str]:
        return [str(VENV_BIN / "gunicorn"), "bench.wsgi", "--workers", str(self.workers), "--bind",
                f"127.0.0.1:{self.port}", "--timeout", str(REQUEST_TIMEOUT + 10), "--log-level", "warning",
                "--error-logfile", str(GUNICORN_LOG)]

    def start(self) -> None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is in use: stop what listens there or pass --port")
        GUNICORN_LOG.unlink(missing_ok=True)
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): {self.log_tail()}")
            try:
                status, body, _headers = get(self.base + "/healthz", timeout=5)
                if status == 200:
                    say(f"gunicorn up: {self.workers} workers on {self.base}; /healthz {body.decode()[:120]}")
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s: {self.log_tail()}")

    def worker_rss_mb(self) -> list[float]:
        if not self.process:
            return []
        sizes = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    for line in (stat.parent / "status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            sizes.append(round(int(line.split()[1]) / 1024, 1))
            except (OSError, IndexError, ValueError):
                continue
        return sorted(sizes)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # our gunicorn and its workers only
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        say("gunicorn stopped")

    @staticmethod
    def log_tail() -> str:
        return GUNICORN_LOG.read_text(errors="replace")[-2000:] if GUNICORN_LOG.exists() else ""


def get(url: str, *, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes, list]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


# --- the pages -------------------------------------------------------------------------------------

def sessions(env: dict, usernames: list[str]) -> dict[str, str]:
    """Signed-in, two-factor verified sessions, created in the database by a Django process."""
    code = ("import json, sys; import django; django.setup(); from bench.common import session_for; "
            "print(json.dumps({u: session_for(u) for u in sys.argv[1:]}))")
    done = run_step([PYTHON, "-c", code, *usernames], env, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def objection_post(base: str, data: dict) -> dict:
    """The objection form's CSRF cookie and token (a GET, as a browser would), and the body of a valid
    objection with PHONE_PLACEHOLDER for the mobile number."""
    path = f"/publicity/{data['open_notice']}/object/"
    status, body, headers = get(base + path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    cookie = next((v for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken=")), "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
    if not cookie or not token:
        raise RuntimeError("the objection form gave no CSRF cookie or token")
    form = urlencode({
        "csrfmiddlewaretoken": token.group(1), "item": data["open_item"], "name": "张明", "organization": "",
        "id_number": valid_id_number(), "phone": "PHONE_PLACEHOLDER", "email": "objector@bench.example.cn",
        "facts": "该园区申报材料中的数字服务出口额与统计数据不一致，请予核实。"})
    return {"path": path, "cookie": cookie.split(";", 1)[0], "body": form}


def targets(data: dict, keys: dict[str, str], post: dict, clients_public: int, clients_signed: int) -> list[dict]:
    notice = data["open_notice"]
    city = {"Cookie": f"sessionid={keys[data['city_user']]}"}
    officer = {"Cookie": f"sessionid={keys[data['officer_user']]}"}
    return [
        {"name": "home /", "path": "/", "kind": "public", "clients": clients_public},
        {"name": "notices /publicity/", "path": "/publicity/", "kind": "public", "clients": clients_public},
        {"name": f"notice page /publicity/{notice}/", "path": f"/publicity/{notice}/", "kind": "public",
         "clients": clients_public},
        {"name": "bases /bases/", "path": "/bases/", "kind": "public", "clients": clients_public},
        {"name": f"city inbox /review/calls/{data['inbox_call']}/inbox/ (city_gz)",
         "path": f"/review/calls/{data['inbox_call']}/inbox/", "kind": "signed_in", "clients": clients_signed,
         "headers": city},
        {"name": f"ranking page /review/calls/{data['big_call']}/ranking/ (gd_officer)",
         "path": f"/review/calls/{data['big_call']}/ranking/", "kind": "signed_in", "clients": clients_signed,
         "headers": officer},
        {"name": f"objection form POST {post['path']}", "path": post["path"], "kind": "post", "clients": clients_signed,
         "headers": {"Cookie": post["cookie"], "Content-Type": "application/x-www-form-urlencoded"},
         "body": post["body"]},
    ]


def load_average() -> str:
    """The machine's load average (1, 5, 15 min): anything else running shares the 2 cores."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def phone_body(template: str):
    def body(n: int) -> bytes:
        return template.replace("PHONE_PLACEHOLDER", f"137{(os.getpid() * 100000 + n) % 100000000:08d}").encode()

    return body


def drain(server: Server, idle_ms: float) -> None:
    """Wait until the requests a load run left queued in gunicorn are done: a sync worker finishes a
    request even when its client has gone, so the next run would otherwise pay for them."""
    deadline = time.monotonic() + REQUEST_TIMEOUT
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            get(server.base + "/bench/minimal", timeout=REQUEST_TIMEOUT)
        except OSError:
            pass
        if (time.perf_counter() - started) * 1000 < max(50.0, 3 * idle_ms):
            return
        time.sleep(0.2)


def measure(server: Server, target: dict, *, use_wrk: bool, seconds: float, warmup: float, idle_ms: float) -> dict:
    url = server.base + target["path"]
    headers = target.get("headers", {})
    method = "POST" if "body" in target else "GET"
    body = phone_body(target["body"]) if "body" in target else None
    expected = {"302"} if method == "POST" else {"200"}
    drain(server, idle_ms)
    samples: list[float] = []
    for _attempt in range(2):  # the first request of a worker may pay for loading templates
        probe = load.python_run(url, clients=1, seconds=REQUEST_TIMEOUT, max_requests=1, headers=headers,
                                method=method, body=body, timeout=REQUEST_TIMEOUT)
        if set(probe.get("statuses", {})) != expected:
            raise RuntimeError(f"{target['name']}: the probe answered {probe.get('statuses')} (expected {expected})")
        samples += probe["latencies_ms"]
        if min(samples) / 1000 <= SLOW_SECONDS:
            break
    if min(samples) / 1000 > SLOW_SECONDS:
        wanted = SLOW_REQUESTS if min(samples) / 1000 < VERY_SLOW_SECONDS else 2
        say(f"{target['name']}: one request takes {min(samples) / 1000:.1f} s; {wanted} sequential "
            f"requests instead of {target['clients']} clients")
        if len(samples) < wanted:
            more = load.python_run(url, clients=1, seconds=SLOW_LIMIT_SECONDS,
                                   max_requests=wanted - len(samples), headers=headers, method=method,
                                   body=body, timeout=REQUEST_TIMEOUT)
            samples += more["latencies_ms"]
        result = {"tool": "python", "clients": 1, **load.summarise(samples), "socket_errors": 0, "non_2xx_3xx": 0,
                  "mode": f"too slow for {target['clients']} clients: {len(samples)} sequential requests, 1 client",
                  "single_request_s": round(min(samples) / 1000, 2)}
        # Requests queue behind WORKERS busy workers: the p95 that many clients would see.
        result["estimated_p95_ms_at_target_clients"] = round(target["clients"] / server.workers * result["p50_ms"])
        return result
    if use_wrk:
        env = dict(os.environ)
        script = "report.lua"
        if method == "POST":
            env.update({"BENCH_POST_BODY": target["body"], "BENCH_POST_PATH": target["path"]})
            script = "post.lua"
        wrk_headers = {k: v for k, v in headers.items() if k != "Content-Type"}
        if warmup:
            load.wrk_run(url, clients=target["clients"], seconds=warmup, headers=wrk_headers, script=script, env=env)
            drain(server, idle_ms)
        result = load.wrk_run(url, clients=target["clients"], seconds=seconds, headers=wrk_headers, script=script,
                              env=env, timeout=30)
        if result["requests"] < 2 * target["clients"]:
            # So few requests finished that wrk's percentiles describe only the first ones (the others
            # were still queued when the run ended): one wave of CLIENTS concurrent requests instead,
            # every one of them waited for.
            say(f"{target['name']}: only {result['requests']} requests finished in {seconds:g} s; one wave of "
                f"{target['clients']} concurrent requests instead")
            drain(server, idle_ms)
            wave = load.python_run(url, clients=target["clients"], seconds=REQUEST_TIMEOUT,
                                   max_requests=target["clients"], headers=headers, method=method, body=body,
                                   timeout=REQUEST_TIMEOUT)
            wave.pop("latencies_ms")
            wave["wrk_run"] = result
            wave["mode"] = (f"one wave of {target['clients']} concurrent requests ({wave['requests']} answered; "
                            f"wrk finished only {result['requests']} in {seconds:g} s)")
            return wave
    else:
        if warmup:
            load.python_run(url, clients=target["clients"], seconds=warmup, max_requests=100_000, headers=headers,
                            method=method, body=body)
            drain(server, idle_ms)
        result = load.python_run(url, clients=target["clients"], seconds=seconds, max_requests=1_000_000,
                                 headers=headers, method=method, body=body)
        result.pop("latencies_ms")
    result["mode"] = f"{target['clients']} clients for {seconds:g} s ({result['tool']})"
    return result


# --- batch jobs ------------------------------------------------------------------------------------

JOBS = (("dossier_pdf", "large dossier as PDF (50 enterprises, 100 attachments)"),
        ("dossier_docx", "large dossier as Word (50 enterprises, 100 attachments)"),
        ("ranking_xlsx_small", "ranking workbook, 2 applications (reference)"),
        ("ranking_xlsx", "ranking workbook, 5,000 applications / 25,000 sheets"))


def jobs(env: dict, only: set[str] | None = None) -> list[dict]:
    rows = []
    for job, name in JOBS:
        if only is not None and job not in only:
            continue
        say(f"job: {name}")
        done = run_step([PYTHON, str(BENCH / "jobs.py"), job], env, timeout=1200, check=False)
        if done.returncode != 0:
            rows.append({"name": name, "job": job, "error": (done.stderr or done.stdout)[-600:]})
            say(f"  failed: {rows[-1]['error'][-300:]}")
            continue
        rows.append({"name": name, **json.loads(done.stdout.strip().splitlines()[-1])})
    if only is not None and "assignment" not in only:
        return rows
    name = "random draw of 5,000 applications x 500 experts (k=5, 5 alternates, seeded)"
    say(f"job: {name}")
    done = run_step([PYTHON, str(BENCH / "assignment_bench.py")], env, timeout=1200, check=False)
    if done.returncode == 0:
        rows.append({"name": name, "job": "assignment", **json.loads(done.stdout.strip().splitlines()[-1])})
    else:
        rows.append({"name": name, "job": "assignment", "error": (done.stderr or done.stdout)[-600:]})
    return rows


# --- report ----------------------------------------------------------------------------------------

def fmt(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return f"{value:,.{digits}f}"


def table(pages: list[dict], batch: list[dict]) -> str:
    lines = [f"{'page':<64} {'clients':>7} {'rps':>9} {'p50 ms':>9} {'p95 ms':>10} {'p99 ms':>10} {'ratio':>6}  errors",
             "-" * 130]
    for row in pages:
        errors = row.get("socket_errors", 0) + row.get("non_2xx_3xx", 0)
        clients = row.get("clients") if "sequential" not in row.get("mode", "") else 1
        lines.append(f"{row['name'][:64]:<64} {clients:>7} {fmt(row['rps']):>9} {fmt(row['p50_ms']):>9} "
                     f"{fmt(row['p95_ms']):>10} {fmt(row['p99_ms']):>10} {fmt(row.get('ratio'), 2):>6}  {errors}")
    lines += ["", f"{'batch job':<64} {'seconds':>9} {'CPU s':>9} {'peak MB':>9}", "-" * 94]
    for row in batch:
        if "error" in row:
            lines.append(f"{row['name'][:64]:<64} {'failed':>9}")
        else:
            lines.append(f"{row['name'][:64]:<64} {fmt(row['seconds'], 2):>9} {fmt(row.get('cpu_seconds'), 2):>9} "
                         f"{fmt(row['peak_mb']):>9}")
    return "\n".join(lines)


def verdicts(pages: list[dict], batch: list[dict]) -> list[dict]:
    found = []
    for row in pages:
        if row["kind"] == "public":
            ok = row.get("ratio") is not None and row["ratio"] >= PUBLIC_TARGET_RATIO
            found.append({"target": f"{row['name']}: at least {PUBLIC_TARGET_RATIO:.0%} of the minimal view's rps",
                          "met": ok, "figure": f"{row['ratio']:.0%}" if row.get("ratio") is not None else "—"})
        elif row["kind"] == "signed_in":
            at_clients = "sequential" not in row.get("mode", "")
            ok = at_clients and row["p95_ms"] < SIGNED_IN_P95_MS and not row.get("non_2xx_3xx")
            figure = f"p95 {row['p95_ms']:.0f} ms" + ("" if at_clients else (
                f" with 1 client; about {row['estimated_p95_ms_at_target_clients'] / 1000:.0f} s expected at "
                f"{row['target_clients']} clients"))
            found.append({"target": f"{row['name']}: p95 under {SIGNED_IN_P95_MS} ms at {row['target_clients']} "
                                    "clients",
                          "met": ok, "figure": figure})
    for row in batch:
        limits = JOB_TARGETS.get(row.get("job"))
        if limits is None or "error" in row:
            continue
        seconds, peak = limits
        ok = row["seconds"] < seconds and (peak is None or row["peak_mb"] < peak)
        found.append({"target": f"{row['name']}: under {seconds} s" + (f" and {peak} MB peak" if peak else ""),
                      "met": ok, "figure": f"{row['seconds']:.2f} s"
                      + (f" ({row['cpu_seconds']:.2f} s of CPU)" if row.get("cpu_seconds") is not None else "")
                      + f", peak {row['peak_mb']:.0f} MB"})
    big = next((r for r in batch if r.get("job") == "ranking_xlsx" and "error" not in r), None)
    small = next((r for r in batch if r.get("job") == "ranking_xlsx_small" and "error" not in r), None)
    if big and small:
        growth = big["peak_mb"] - small["peak_mb"]
        timeline = big.get("rss_mb_by_tenth", [])
        # Bounded: while the score sheets stream (from 30 % to 90 % of the job) the resident set stays flat.
        streaming_growth = timeline[8] - timeline[2] if len(timeline) == 10 else float("inf")
        found.append({"target": "ranking workbook of 5,000 applications in bounded memory",
                      "met": streaming_growth < BOUNDED_GROWTH_MB,
                      "figure": f"peak {big['peak_mb']:.0f} MB ({growth:+.0f} MB over 2 applications); RSS grew "
                                f"{streaming_growth:.0f} MB while the sheets streamed (limit {BOUNDED_GROWTH_MB} MB); "
                                f"RSS by tenth of the job {timeline}; {big['seconds']:.0f} s"})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-generate", action="store_true", help="reuse the portal_bench database")
    parser.add_argument("--skip-explain", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up load per page (default 2)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--public-clients", type=int, default=64)
    parser.add_argument("--signed-in-clients", type=int, default=32)
    parser.add_argument("--python-client", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains one of these "
                                                   "comma-separated words (e.g. 'home,inbox'); 'none' for no page")
    parser.add_argument("--jobs", default="", help="run only these comma-separated batch jobs (dossier_pdf, "
                                                   "dossier_docx, ranking_xlsx_small, ranking_xlsx, assignment)")
    parser.add_argument("--results", default="", help="write the figures to this file instead of bench/results.json")
    args = parser.parse_args()
    only_pages = [w.strip() for w in args.only.split(",") if w.strip()]
    only_jobs = {w.strip() for w in args.jobs.split(",") if w.strip()} or None
    global RESULTS, DETAIL
    if args.results:
        RESULTS = Path(args.results).resolve()
        DETAIL = RESULTS.with_name(RESULTS.stem + "-detail.json")

    started = time.monotonic()
    load_at_start = load_average()
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(64))  # one key for every process
    env = bench_env()
    use_wrk = not args.python_client and bool(ensure_wrk())
    if not args.skip_generate:
        say("generating the data set (bench/generate.py)")
        done = run_step([PYTHON, str(BENCH / "generate.py")], env, timeout=1800)
        print(done.stdout.strip()[-1500:])
    data = load_data()
    say("collectstatic into bench/.staticfiles")
    run_step([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=300)
    explain_summary = []
    if not args.skip_explain:
        say("query plans of the pages (bench/explain.py -> bench/explain.txt)")
        done = run_step([PYTHON, str(BENCH / "explain.py")], bench_env(REDIS_URL=""), timeout=900, check=False)
        if done.returncode == 0:
            explain_summary = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            say(f"explain failed: {done.stderr[-800:]}")

    server = Server(env, workers=args.workers, port=args.port)
    pages: list[dict] = []
    worker_rss: list[float] = []

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        keys = sessions(env, [data["city_user"], data["officer_user"]])
        server.start()
        post = objection_post(server.base, data)
        idle = load.python_run(server.base + "/bench/minimal", clients=1, seconds=30, max_requests=20)
        idle_ms = idle["p50_ms"]
        say(f"minimal view, one client alone: p50 {idle_ms:.1f} ms; load average {load_average()}")
        minimal: dict[int, float] = {}
        for clients in sorted({args.public_clients, args.signed_in_clients}, reverse=True):
            target = {"name": f"minimal view /bench/minimal ({clients} clients)", "path": "/bench/minimal",
                      "kind": "minimal", "clients": clients}
            say(f"load: {target['name']}")
            result = measure(server, target, use_wrk=use_wrk, seconds=args.duration, warmup=args.warmup,
                             idle_ms=idle_ms)
            result["load_average"] = load_average()
            minimal[clients] = result["rps"]
            pages.append({**target, **result, "target_clients": clients, "ratio": 1.0})
        # Each page's ratio is to the minimal view measured just before and just after it at the same number
        # of clients: on a shared machine the CPU left to gunicorn drifts from one minute to the next.
        reference_runs: dict[int, float] = dict(minimal)

        def reference(clients: int) -> float:
            run = measure(server, {"name": "minimal view", "path": "/bench/minimal", "clients": clients},
                          use_wrk=use_wrk, seconds=REFERENCE_SECONDS, warmup=0, idle_ms=idle_ms)
            return run["rps"]

        for target in targets(data, keys, post, args.public_clients, args.signed_in_clients):
            if only_pages and not any(word in target["name"] for word in only_pages):
                continue
            clients = target["clients"]
            before = reference_runs.get(clients) or reference(clients)
            say(f"load: {target['name']}")
            result = measure(server, target, use_wrk=use_wrk, seconds=args.duration, warmup=args.warmup,
                             idle_ms=idle_ms)
            result["load_average"] = load_average()
            after = reference(clients)
            reference_runs = {clients: after}
            result["reference_rps"] = round((before + after) / 2, 1)
            row = {k: v for k, v in target.items() if k not in ("headers", "body")}
            pages.append({**row, **result, "target_clients": clients, "ratio": result["rps"] / result["reference_rps"]})
            say(f"  {result['rps']:.1f} rps (minimal view around it: {result['reference_rps']:.1f}), "
                f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
        worker_rss = server.worker_rss_mb()
    finally:
        server.stop()

    batch = [] if args.skip_jobs else jobs(env, only_jobs)
    results = [{"name": p["name"], "rps": round(p["rps"], 1), "p50_ms": round(p["p50_ms"], 1),
                "p95_ms": round(p["p95_ms"], 1), "p99_ms": round(p["p99_ms"], 1),
                "ratio": round(p["ratio"], 3) if p.get("ratio") is not None else None} for p in pages]
    results += [{"name": b["name"], "seconds": b.get("seconds"), "cpu_seconds": b.get("cpu_seconds"),
                 "peak_mb": b.get("peak_mb")} for b in batch]
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    found = verdicts(pages, batch)
    DETAIL.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "server": {"command": " ".join(server.command()), "settings": "bench.settings (portal.settings, DEBUG off)",
                   "worker_rss_mb_after_load": worker_rss},
        "load_generator": "wrk (Debian), 2 threads" if use_wrk else "Python threads + http.client (bench/load.py)",
        "data_set": data.get("counts"), "pages": pages, "jobs": batch, "targets": found, "explain": explain_summary,
        "load_average_at_start": load_at_start, "load_average_at_end": load_average(),
        "total_seconds": round(time.monotonic() - started),
    }, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")

    print()
    print(table(pages, batch))
    print()
    for verdict in found:
        print(f"[{'met' if verdict['met'] else 'MISSED'}] {verdict['target']}: {verdict['figure']}")
    for row in explain_summary:
        if row["seq_scans"] or row["repeated"] or row.get("sorts"):
            print(f"[explain] {row['name']}: {row['queries']} queries"
                  + (f", one query repeated {row['repeated']} times (N+1)" if row["repeated"] else "")
                  + (f", sequential scans of {', '.join(row['seq_scans'])}" if row["seq_scans"] else "")
                  + (f", {', '.join(sorted(set(row['sorts'])))}" if row.get("sorts") else ""))
    print(f"\nload generator: {'wrk' if use_wrk else 'Python'}; gunicorn {args.workers} sync workers; "
          f"{round(time.monotonic() - started)} s in all. Written: {_shown(RESULTS)}, {_shown(DETAIL)}, "
          "bench/explain.txt")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


if __name__ == "__main__":
    main()
