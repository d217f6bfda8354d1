"""Measure the officers' queue and application page at scale.

Seeds a council of its own with --applications applications (default 100,000), each with a
finished triage run, its findings, a document, a triage summary and timeline events, then
VACUUM ANALYZE as autovacuum would have done on a live database, and removes all of it at
the end (or at the start of the next run, if one was interrupted). Then it times,
in process through Django's test client (middleware, sessions, queries, templates):
the queue in its default order, with filters, with a search, on a deep page, and the
application page; and, side by side, the queue's data computed the naive way (each
application's lane and score looked up from its newest run with subqueries, instead of the
triage summary the pages keep) against ours. Prints p50/p95 and ends with a RESULT line.
"""

import platform
import random
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.test import Client

from dashboard import queue
from planning.models import CLOSED_STATUSES, OPEN_STATUSES, Council, PlanningApplication, Role
from planning.services import ensure_council, ensure_user
from planning.statutory import categorise
from triage.models import RunStatus, TriageRun

BENCH_COUNCIL = ("E06999998", "Benchmark council (rolled back)")
OFFICERS = 8

# (application type, dwellings, project types, share of the caseload)
PROFILES = [
    ("pp.full.householder", None, [], 55),
    ("pp.full.minor", 2, ["new.residential.dwelling"], 15),
    ("pp.full", None, ["changeOfUse.shop"], 10),
    ("listed", None, [], 8),
    ("advertConsent", None, [], 7),
    ("pp.full.major", 24, ["new.residential.dwelling"], 5),
]
STREETS = [
    "Camberwell Grove",
    "Bellenden Road",
    "Lyndhurst Way",
    "Choumert Road",
    "Grove Lane",
    "Bermondsey Street",
    "Peckham Rye",
    "Denmark Hill",
    "Lordship Lane",
    "Rye Lane",
    "Walworth Road",
    "Old Kent Road",
    "Tower Bridge Road",
    "Southwark Park Road",
    "Jamaica Road",
    "Borough High Street",
    "Union Street",
    "Trinity Street",
    "Albany Road",
    "East Street",
]
DESCRIPTIONS = [
    "Erection of a single storey rear extension",
    "Loft conversion with a rear dormer and two front roof lights",
    "Change of use from a shop to a cafe",
    "Replacement of timber sash windows",
    "Demolition of a garage and erection of a two storey dwelling",
    "Installation of a shopfront and an illuminated fascia sign",
    "Basement excavation under the rear garden",
    "Erection of 24 flats in a five storey building",
]
LANES = [
    ("needs-attention", 0, 25),
    ("specialist", 1, 10),
    ("standard", 2, 40),
    ("fast-track", 3, 25),
]
DATASETS = ["conservation-area", "listed-building", "tree-preservation-zone", ""]


SEED_SQL = (Path(__file__).parent / "bench_queue_seed.sql").read_text()


TABLES = [
    "planning_planningapplication",
    "planning_document",
    "planning_applicationevent",
    "triage_triagerun",
    "triage_finding",
    "triage_triagesummary",
]
REMOVE_SQL = """
CREATE TEMP TABLE bench_doomed ON COMMIT DROP AS
  SELECT id FROM planning_planningapplication WHERE council_id = %(council)s;
DELETE FROM triage_findingreview WHERE finding_id IN
  (SELECT id FROM triage_finding WHERE application_id IN (SELECT id FROM bench_doomed));
DELETE FROM triage_finding WHERE application_id IN (SELECT id FROM bench_doomed);
DELETE FROM triage_triagesummary WHERE application_id IN (SELECT id FROM bench_doomed);
DELETE FROM triage_documentpage WHERE document_id IN
  (SELECT id FROM planning_document WHERE application_id IN (SELECT id FROM bench_doomed));
DELETE FROM triage_triagerun WHERE application_id IN (SELECT id FROM bench_doomed);
DELETE FROM planning_applicationevent WHERE application_id IN (SELECT id FROM bench_doomed);
DELETE FROM planning_document WHERE application_id IN (SELECT id FROM bench_doomed);
DELETE FROM planning_planningapplication WHERE id IN (SELECT id FROM bench_doomed);
DELETE FROM axes_accesslog WHERE username LIKE 'bench-officer-%%';
DELETE FROM planning_user_groups WHERE user_id IN
  (SELECT id FROM planning_user WHERE council_id = %(council)s);
DELETE FROM planning_user WHERE council_id = %(council)s;
DELETE FROM planning_council WHERE id = %(council)s;
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time the queue and application pages on a large seeded caseload (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=25, help="Requests per measurement.")

    def handle(self, *args, applications, repeat, **options):
        self.repeat = repeat
        results: dict[str, list[float]] = {}
        self._remove()
        started = time.monotonic()
        try:
            with transaction.atomic():
                council, officer = self._seed(applications)
            with connection.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
            seeded = time.monotonic() - started
            self.stdout.write(f"Seeded {applications:,} applications in {seeded:.0f} s")
            self._measure(results, council, officer)
        finally:
            self._remove()
        self._report(results, applications)

    def _remove(self):
        """Delete the benchmark council and everything of it, in bulk."""
        council = Council.objects.filter(code=BENCH_COUNCIL[0]).first()
        if council is None:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(REMOVE_SQL, {"council": council.pk})

    # --- seeding -----------------------------------------------------------------------------

    def _seed(self, count: int):
        council = ensure_council(*BENCH_COUNCIL)
        officers = [
            ensure_user(
                f"bench-officer-{n}", council=council, role=Role.OFFICER, password="bench-password"
            )
            for n in range(OFFICERS)
        ]
        profiles = []
        for kind, dwellings, projects, weight in PROFILES:
            category = categorise(
                kind,
                dwellings=dwellings,
                floorspace_m2=None,
                site_area_m2=400.0,
                project_types=projects,
            )
            weeks = 13 if category.category == "major" else 8
            profiles += [(kind, dwellings, category.category, category.ps2_code, weeks)] * weight
        lanes = [lane for lane, _, weight in LANES for _ in range(weight)]
        with connection.cursor() as cursor:
            cursor.execute(
                SEED_SQL,
                {
                    "council": council.pk,
                    "count": count,
                    "types": [p[0] for p in profiles],
                    "dwellings": [p[1] for p in profiles],
                    "categories": [p[2] for p in profiles],
                    "codes": [p[3] for p in profiles],
                    "weeks": [p[4] for p in profiles],
                    "streets": STREETS,
                    "descriptions": DESCRIPTIONS,
                    "officers": [officer.pk for officer in officers],
                    "lanes": lanes,
                    "datasets": DATASETS,
                },
            )
            cursor.execute(
                "ANALYZE planning_planningapplication, triage_triagerun, triage_finding, "
                "triage_triagesummary, planning_applicationevent, planning_document"
            )
        return council, officers[0]

    # --- measuring ---------------------------------------------------------------------------

    def _timed(self, results, name: str, call) -> None:
        call()  # warm: the first request compiles templates and fills caches
        timings = []
        for _ in range(self.repeat):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        results[name] = timings

    def _get(self, client: Client, path: str):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    def _measure(self, results, council, officer):
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)
        caseload = PlanningApplication.objects.filter(council=council)
        open_count = caseload.filter(status__in=OPEN_STATUSES).count()
        closed = caseload.count() - open_count
        open_deep = max(1, open_count // 50 - 2)
        closed_deep = max(1, closed // 50 - 2)
        pages = {
            "queue: all open, default order": "/?tab=open",
            "queue: assigned to me": "/?tab=mine",
            "queue: filtered (lane, category)": "/?tab=open&lane=standard&category=minor",
            "queue: search (street name)": "/?tab=open&q=bellenden",
            "queue: refused on this site before": "/?tab=open&history=refused-here",
            f"queue: deep page ({open_deep} of all open)": f"/?tab=open&page={open_deep}",
            "decided tab: last 3 months (default)": "/?tab=decided",
            "decided tab: deep page, last 3 months": "/?tab=decided&page=100",
            "any time: decided tab": "/?tab=decided&decided=all",
            f"any time: deep page ({closed_deep})": f"/?tab=decided&decided=all&page={closed_deep}",
        }
        for name, path in pages.items():
            self._timed(results, name, self._get(client, path))
        ids = list(
            PlanningApplication.objects.filter(council=council).values_list("id", flat=True)[:2000]
        )
        chooser = random.Random(7)

        def application_page():
            response = client.get(f"/applications/{chooser.choice(ids)}/")
            assert response.status_code == 200

        self._timed(results, "application page", application_page)

        visible = PlanningApplication.objects.filter(council=council)
        self._timed(results, "queue data, ours", lambda: _queue_data_ours(visible))
        self._timed(results, "queue data, naive", lambda: _queue_data_naive(visible))

    def _report(self, results, count):
        self.stdout.write(
            f"Machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; "
            f"{count:,} applications in one council, {self.repeat} requests each"
        )
        for name, timings in results.items():
            self.stdout.write(
                f"  {name:40} p50 {statistics.median(timings):7.1f} ms   "
                f"p95 {percentile(timings, 0.95):7.1f} ms"
            )
        queue_p95 = max(
            percentile(timings, 0.95)
            for name, timings in results.items()
            if name.startswith("queue:")
        )
        decided_p95 = max(
            percentile(timings, 0.95)
            for name, timings in results.items()
            if name.startswith("decided tab:")
        )
        any_time_p95 = max(
            percentile(timings, 0.95)
            for name, timings in results.items()
            if name.startswith("any time:")
        )
        page_p95 = percentile(results["application page"], 0.95)
        ours = statistics.median(results["queue data, ours"])
        naive = statistics.median(results["queue data, naive"])
        self.stdout.write(
            f"RESULT applications={count} queue_p95_ms={queue_p95:.1f} "
            f"decided_tab_p95_ms={decided_p95:.1f} decided_any_time_p95_ms={any_time_p95:.1f} "
            f"application_p95_ms={page_p95:.1f} "
            f"queue_data_ours_ms={ours:.1f} "
            f"queue_data_naive_ms={naive:.1f} naive_over_ours={naive / ours:.1f}"
        )


def _queue_data_ours(visible):
    """The default queue's first page and lane counts, read from the triage summaries."""
    base = queue.tab_queryset(visible, "open", None)
    rows = list(base.select_related("triage").order_by(*queue.ordering_for("priority"))[:50])
    counts = dict(base.order_by().values_list("triage__lane").annotate(n=Count("id")))
    return rows, counts


def _queue_data_naive(visible):
    """The same page and counts, each application's lane and score found from its newest
    finished run on the fly."""
    newest = TriageRun.objects.filter(
        application=OuterRef("pk"), status=RunStatus.SUCCEEDED
    ).order_by("-version")
    base = visible.exclude(status__in=CLOSED_STATUSES).annotate(
        lane=Subquery(newest.values("lane")[:1]),
        score=Subquery(newest.values("priority_score")[:1]),
    )
    ranks = {lane: order for lane, order, _ in LANES}
    ordered = base.order_by(
        F("lane").asc(nulls_last=True),
        F("score").desc(nulls_last=True),
        F("determination_deadline").asc(nulls_last=True),
    )
    rows = list(ordered[:50])
    counts = dict(base.order_by().values_list("lane").annotate(n=Count("id")))
    return rows, {lane: counts.get(lane, 0) for lane in ranks}
