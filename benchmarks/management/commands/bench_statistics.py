"""Measure the managers' statistics at scale.

Seeds the caseload bench_queue seeds (its own council, --applications applications over three
years with their triage runs and findings; the same seeding code, and removed the same way at
the end or at the start of the next run), then, through Django's test client as a manager:

- the backlog page, and the PS2, PS1 and speed pages for the last complete quarter, p50/p95
  over --repeat requests;
- the export of every application (the list behind a figure that matches them all) as CSV and
  as XLSX, and of the backlog, consuming the streamed response chunk by chunk as a browser
  would: the time, the peak of Python's allocations while it ran (tracemalloc, a pass of its
  own since tracing slows Python) and the growth of the process's peak resident memory
  (ru_maxrss, which only rises: ours run first, so theirs is ours' real growth);
- side by side, the naive way: every row read into a list, the whole CSV built in a string,
  the XLSX in a normal (not write-only) openpyxl workbook saved to memory.

Ends with a RESULT line. The target is under 50 MB of peak memory growth for 100,000 rows.
"""

import csv
import io
import platform
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.test import Client

from benchmarks.management.commands import bench_queue
from planning import exports
from planning import statistics as counting
from planning.models import Council, PlanningApplication, Role
from planning.services import ensure_user

MANAGER = "bench-manager"
MB = 1024 * 1024


class Command(BaseCommand):
    help = "Time the managers' pages and exports on a large seeded caseload (removed after)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")

    def handle(self, *args, applications, repeat, **options):
        self.repeat = repeat
        seeder = bench_queue.Command(stdout=self.stdout, stderr=self.stderr)
        self._remove(seeder)
        started = time.monotonic()
        try:
            with transaction.atomic():
                council, _officer = seeder._seed(applications)
                manager = ensure_user(
                    MANAGER, council=council, role=Role.MANAGER, password="bench-password"
                )
            with connection.cursor() as cursor:
                for table in bench_queue.TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
            self.stdout.write(
                f"Seeded {applications:,} applications in {time.monotonic() - started:.0f} s"
            )
            pages = self._measure_pages(manager)
            files = self._measure_exports(council, manager)
        finally:
            self._remove(seeder)
        self._report(applications, pages, files)

    def _remove(self, seeder: bench_queue.Command) -> None:
        seeder._remove()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM axes_accesslog WHERE username = %s", [MANAGER])

    # --- pages -----------------------------------------------------------------------------------

    def _client(self, manager) -> Client:
        client = Client(HTTP_HOST="localhost")
        client.force_login(manager)
        return client

    def _measure_pages(self, manager) -> dict[str, list[float]]:
        client = self._client(manager)
        quarter = counting.Quarter.containing(counting.london_today()).previous()
        paths = {
            "backlog page": "/statistics/backlog/",
            f"PS2 page ({quarter.slug})": f"/statistics/ps2/?quarter={quarter.slug}",
            f"PS1 page ({quarter.slug})": f"/statistics/ps1/?quarter={quarter.slug}",
            "speed page (24 months)": "/statistics/speed/",
            "AI review figures (12 months)": "/statistics/reviews/",
        }
        results = {}
        for name, path in paths.items():
            self._get(client, path)  # warm: templates compiled, caches filled
            timings = []
            for _ in range(self.repeat):
                start = time.perf_counter()
                self._get(client, path)
                timings.append((time.perf_counter() - start) * 1000)
            results[name] = timings
        return results

    @staticmethod
    def _get(client: Client, path: str):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    # --- exports ---------------------------------------------------------------------------------

    def _measure_exports(self, council: Council, manager) -> dict[str, dict[str, float]]:
        client = self._client(manager)
        everything = counting.encode_where(Q())
        visible = PlanningApplication.objects.filter(council=council)
        today = counting.london_today()

        def streamed(path: str) -> Callable[[], int]:
            def run() -> int:
                response = client.get(path, {"where": everything})
                assert response.status_code == 200, (path, response.status_code)
                size = 0
                for chunk in response.streaming_content:  # as a browser reads it
                    size += len(chunk)
                response.close()
                return size

            return run

        exports_to_measure = {
            "CSV, all applications (streamed)": streamed("/statistics/applications.csv"),
            "XLSX, all applications (write-only)": streamed("/statistics/applications.xlsx"),
            "CSV, backlog (streamed)": streamed("/statistics/backlog.csv"),
            "CSV, all applications (naive)": lambda: _naive_csv(visible, today),
            "XLSX, all applications (naive)": lambda: _naive_xlsx(visible, today),
        }
        results: dict[str, dict[str, float]] = {}
        # Time and resident memory first, untraced; ours before theirs (ru_maxrss only rises).
        for name, run in exports_to_measure.items():
            before = _maxrss()
            start = time.perf_counter()
            size = run()
            results[name] = {
                "seconds": time.perf_counter() - start,
                "bytes": size,
                "maxrss_growth_mb": (_maxrss() - before) / MB,
            }
        # Then Python's own allocations, traced, one export at a time.
        for name, run in exports_to_measure.items():
            tracemalloc.start()
            baseline = tracemalloc.get_traced_memory()[0]
            run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            results[name]["traced_peak_mb"] = (peak - baseline) / MB
        return results

    # --- report ----------------------------------------------------------------------------------

    def _report(self, count: int, pages, files) -> None:
        load = ", ".join(f"{value:.2f}" for value in _load())
        self.stdout.write(
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}, "
            f"load average {load}; {count:,} applications in one council, "
            f"{self.repeat} requests per page"
        )
        for name, timings in pages.items():
            self.stdout.write(
                f"  {name:34} p50 {statistics.median(timings):7.1f} ms   "
                f"p95 {bench_queue.percentile(timings, 0.95):7.1f} ms"
            )
        for name, figures in files.items():
            self.stdout.write(
                f"  {name:38} {figures['seconds']:6.1f} s  {figures['bytes'] / MB:6.1f} MB  "
                f"peak traced {figures['traced_peak_mb']:7.1f} MB  "
                f"maxrss +{figures['maxrss_growth_mb']:6.1f} MB"
            )
        page_keys = list(pages)
        ours_csv = files["CSV, all applications (streamed)"]
        ours_xlsx = files["XLSX, all applications (write-only)"]
        naive_csv = files["CSV, all applications (naive)"]
        naive_xlsx = files["XLSX, all applications (naive)"]
        peak = max(
            ours_csv["traced_peak_mb"],
            ours_xlsx["traced_peak_mb"],
            ours_csv["maxrss_growth_mb"],
            ours_xlsx["maxrss_growth_mb"],
        )
        self.stdout.write(
            f"RESULT applications={count} "
            f"backlog_p95_ms={bench_queue.percentile(pages[page_keys[0]], 0.95):.1f} "
            f"ps2_p95_ms={bench_queue.percentile(pages[page_keys[1]], 0.95):.1f} "
            f"csv_s={ours_csv['seconds']:.1f} csv_peak_mb={ours_csv['traced_peak_mb']:.1f} "
            f"xlsx_s={ours_xlsx['seconds']:.1f} xlsx_peak_mb={ours_xlsx['traced_peak_mb']:.1f} "
            f"export_peak_growth_mb={peak:.1f} under_50mb={'yes' if peak < 50 else 'no'} "
            f"naive_csv_peak_mb={naive_csv['traced_peak_mb']:.1f} "
            f"naive_xlsx_peak_mb={naive_xlsx['traced_peak_mb']:.1f} "
            f"naive_over_ours_csv={_ratio(naive_csv, ours_csv):.1f} "
            f"naive_over_ours_xlsx={_ratio(naive_xlsx, ours_xlsx):.1f}"
        )


def _maxrss() -> float:
    """The process's peak resident memory so far, in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _load() -> tuple[float, float, float]:
    try:
        with open("/proc/loadavg") as file:
            one, five, fifteen = (float(part) for part in file.read().split()[:3])
            return one, five, fifteen
    except OSError:
        return (0.0, 0.0, 0.0)


def _ratio(naive: dict[str, float], ours: dict[str, float]) -> float:
    return naive["traced_peak_mb"] / max(ours["traced_peak_mb"], 0.1)


def _naive_rows(visible, today) -> tuple[list[str], list]:
    """Every row at once, as a view that never heard of streaming would read them."""
    table = exports.applications_table(visible, today=today)
    return list(table.header), list(table.rows)


def _naive_csv(visible, today) -> int:
    header, rows = _naive_rows(visible, today)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[exports.csv_safe(value) for value in row] for row in rows])
    response = HttpResponse(buffer.getvalue(), content_type=exports.CSV_CONTENT_TYPE)
    return len(response.content)


def _naive_xlsx(visible, today) -> int:
    from openpyxl import Workbook

    header, rows = _naive_rows(visible, today)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=exports.XLSX_CONTENT_TYPE)
    return len(response.content)
