"""Query plans of the benchmarked pages on the benchmark data set: ``bench/explain.txt``.

Each page is requested once through Django's test client (the cache is a fresh in-process one, so a
public page is a miss and runs its queries); every SELECT it runs is captured and run again under
``EXPLAIN (ANALYZE, BUFFERS)``. Also the queries of the ranking workbook (review/exports.py) that the
pages do not run. Reported per page: the number of queries (with repeated query shapes, the mark of
an N+1), the time, every sequential scan of a table with more than SEQ_SCAN_ROWS rows, and every sort of more
rows than that (an ordering no index serves) or spilled to disk.

Run by bench/run.py (environment from bench/common.py, REDIS_URL empty); prints a JSON summary on
the last line of stdout.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, load_data, session_for, valid_id_number  # noqa: E402

OUT = BENCH / "explain.txt"
SEQ_SCAN_ROWS = 1000
NUMBER = re.compile(r"\b\d+\b")
STRING = re.compile(r"'(?:[^']|'')*'")
SORT = re.compile(r"(?:^|>  )(?:Incremental )?Sort  \(cost=[^)]*\) \(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", re.M)
DISK_SORT = re.compile(r"Sort Method: external merge  Disk: (\d+kB)")


def shape(sql: str) -> str:
    return NUMBER.sub("?", STRING.sub("?", sql))


def table_sizes(cursor) -> dict[str, int]:
    cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
                   "AND relnamespace = 'public'::regnamespace")
    return dict(cursor.fetchall())


def explain(cursor, sql: str) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    return "\n".join(row[0] for row in cursor.fetchall())


def pages(data: dict) -> list[dict]:
    notice, big, inbox = data["open_notice"], data["big_call"], data["inbox_call"]
    return [
        {"name": "home", "path": "/"},
        {"name": "notices", "path": "/publicity/"},
        {"name": "notice", "path": f"/publicity/{notice}/"},
        {"name": "bases", "path": "/bases/"},
        {"name": "objection form (GET)", "path": f"/publicity/{notice}/object/"},
        {"name": "objection form (POST)", "path": f"/publicity/{notice}/object/", "post": {
            "item": str(data["open_item"]), "name": "张明", "organization": "", "id_number": valid_id_number(),
            "phone": "13912345678", "email": "zhang@example.cn",
            "facts": "该园区申报材料中的出口额与统计数据不一致，请核实。"}},
        {"name": "city inbox", "path": f"/review/calls/{inbox}/inbox/", "user": data["city_user"]},
        {"name": "ranking", "path": f"/review/calls/{big}/ranking/", "user": data["officer_user"]},
        {"name": "objections of a notice (officer)", "path": f"/publicity/manage/calls/{big}/",
         "user": data["officer_user"]},
    ]


def export_queries(data: dict) -> list[str]:
    """The two streamed score-sheet queries of review.exports.ranking_xlsx (built as there)."""
    from review.models import ScoreSheet

    def ordered(*order_by):
        qs = ScoreSheet.objects.filter(assignment__call_id=data["big_call"]).select_related(
            "assignment__expert__user", "application__park").order_by(*order_by)
        sql, params = qs.query.sql_with_params()
        from django.db import connection

        with connection.cursor() as cursor:
            return cursor.mogrify(sql, params).decode()

    return [
        ordered("assignment__expert__user__full_name", "assignment__expert_id", "application__park__name",
                "application_id"),
        ordered("application__park__name", "application_id", "assignment__expert__user__full_name",
                "assignment__expert_id"),
    ]


def analyse(cursor, sizes: dict[str, int], name: str, queries: list[str], lines: list[str]) -> dict:
    shapes: dict[str, int] = {}
    for sql in queries:
        shapes[shape(sql)] = shapes.get(shape(sql), 0) + 1
    repeated = {s: n for s, n in shapes.items() if n > 2}
    seq_scans: set[str] = set()
    sorts: list[str] = []
    slowest = 0.0
    lines.append(f"\n{'=' * 100}\n{name}: {len(queries)} queries, {len(shapes)} distinct"
                 + (f", REPEATED SHAPES (N+1?): {sorted(repeated.values(), reverse=True)}" if repeated else ""))
    seen: set[str] = set()
    for sql in queries:
        if not sql.lstrip().upper().startswith("SELECT") or shape(sql) in seen:
            continue
        seen.add(shape(sql))
        plan = explain(cursor, sql)
        total = re.search(r"Execution Time: ([\d.]+) ms", plan)
        slowest = max(slowest, float(total.group(1)) if total else 0.0)
        scans = {t for t in re.findall(r"Seq Scan on (\w+)", plan) if sizes.get(t, 0) > SEQ_SCAN_ROWS}
        seq_scans |= scans
        for rows in SORT.findall(plan):
            if int(rows) > SEQ_SCAN_ROWS:
                sorts.append(f"sort of {rows} rows")
        sorts += [f"sort spilled to disk ({size})" for size in DISK_SORT.findall(plan)]
        count = shapes[shape(sql)]
        times = f"(x{count}) " if count > 1 else ""
        lines.append(f"\n--- {times}{sql[:1500]}{' …' if len(sql) > 1500 else ''}")
        if scans:
            lines.append("!!! sequential scan of a large table: " + ", ".join(
                f"{t} ({sizes[t]} rows)" for t in sorted(scans)))
        big = [f"{rows} rows" for rows in SORT.findall(plan) if int(rows) > SEQ_SCAN_ROWS]
        if big or DISK_SORT.search(plan):
            lines.append("!!! ordering without an index: sort of " + ", ".join(big)
                         + "".join(f"; spilled to disk ({size})" for size in DISK_SORT.findall(plan)))
        lines.append(plan)
    return {"name": name, "queries": len(queries), "distinct": len(shapes),
            "repeated": max(repeated.values()) if repeated else 0,
            "seq_scans": sorted(seq_scans), "sorts": sorts, "slowest_query_ms": round(slowest, 1)}


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    data = load_data()
    lines = [f"EXPLAIN (ANALYZE, BUFFERS) of the benchmarked pages on the benchmark data set "
             f"({time.strftime('%Y-%m-%d %H:%M')}).", json.dumps(data["counts"], ensure_ascii=False),
             f"Sequential scans are flagged on tables of more than {SEQ_SCAN_ROWS} rows."]
    summary = []
    with connection.cursor() as cursor:
        sizes = table_sizes(cursor)
    for page in pages(data):
        client = Client()
        if page.get("user"):
            client.cookies[settings.SESSION_COOKIE_NAME] = session_for(page["user"])
        if "post" in page:
            client.get(page["path"])
        cache.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            if "post" in page:
                response = client.post(page["path"], page["post"])
            else:
                response = client.get(page["path"])
        seconds = time.perf_counter() - started
        queries = [q["sql"] for q in captured.captured_queries]
        with connection.cursor() as cursor:
            row = analyse(cursor, sizes, f"{page['name']} {page['path']} -> {response.status_code}, "
                                         f"{len(response.content)} bytes, {seconds * 1000:.0f} ms", queries, lines)
        row.update({"name": page["name"], "status": response.status_code, "ms": round(seconds * 1000)})
        summary.append(row)
    with connection.cursor() as cursor:
        row = analyse(cursor, sizes, "ranking workbook (review/exports.py, the two streamed sheet queries)",
                      export_queries(data), lines)
        summary.append(row)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
