"""One batch job of the benchmark, timed in its own process so that its peak memory is its own.

    python bench/jobs.py dossier_pdf|dossier_docx|ranking_xlsx|ranking_xlsx_small

Prints one JSON line: ``seconds`` (the job alone, after Django is set up and the libraries imported),
``peak_mb`` (the peak resident set of the whole process, Django included: what a Celery worker needs),
``cpu_seconds`` (the CPU time of the job's process: what a machine shared with other work changes least),
``baseline_mb`` (resident set just before the job) and ``bytes`` (size of the file produced).
``ranking_xlsx_small`` is the same export on the demo's national call (2 applications): the difference
between the two peaks is the memory that grows with the size of the call. ``rss_mb_by_tenth`` samples
the resident set at each tenth of the job's duration: flat while the sheets stream means bounded memory.
Environment from bench/common.py (bench/run.py passes it).
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_data  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def prepare(job: str, data: dict):
    """The job as a function of no argument, with everything it needs loaded and imported."""
    from applications.models import ApplicationVersion, Call

    if job in ("dossier_pdf", "dossier_docx"):
        import docx  # noqa: F401
        import weasyprint  # noqa: F401

        from applications import exports

        version = ApplicationVersion.objects.select_related("application__call", "application__park__region").get(
            pk=data["large_version"])
        return (lambda: exports.render_pdf(version)) if job == "dossier_pdf" else (lambda: exports.render_docx(version))
    if job in ("ranking_xlsx", "ranking_xlsx_small"):
        import openpyxl  # noqa: F401

        try:
            from review.exports import ranking_xlsx
        except ImportError as exc:
            raise SystemExit(f"review.exports.ranking_xlsx is not available: {exc}") from exc
        if job == "ranking_xlsx":
            call = Call.objects.get(pk=data["big_call"])
        else:
            from applications.demo import NATIONAL_TITLE

            call = Call.objects.get(title=NATIONAL_TITLE)
        return lambda: ranking_xlsx(call)
    raise SystemExit(f"unknown job {job!r}")


def main() -> None:
    import django

    django.setup()
    job = sys.argv[1]
    run = prepare(job, load_data())
    baseline = rss_mb()
    samples: list[tuple[float, float]] = []
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.2):
            samples.append((time.perf_counter(), rss_mb()))

    sampler = threading.Thread(target=sample, daemon=True)
    started, cpu = time.perf_counter(), time.process_time()
    sampler.start()
    content = run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finished.set()
    sampler.join()
    tenths = []
    for k in range(1, 11):
        moment = started + seconds * k / 10
        before = [rss for t, rss in samples if t <= moment]
        tenths.append(round(before[-1], 1) if before else round(baseline, 1))
    print(json.dumps({"job": job, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                      "peak_mb": round(peak_mb(), 1), "baseline_mb": round(baseline, 1), "bytes": len(content),
                      "rss_mb_by_tenth": tenths}))


if __name__ == "__main__":
    main()
