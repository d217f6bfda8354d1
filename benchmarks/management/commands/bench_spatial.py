"""Measure check_site on a national-scale synthetic layer set, against the naive way.

Everything is generated inside PostGIS, in a schema of its own (geo_bench) that is dropped at
the end: the real layers are never touched. While the benchmark runs, the connection's
search_path puts geo_bench first, so check_site runs its usual SQL on the synthetic tables.

"Naive" is the same query on the whole, unsubdivided geometries with index scans turned
off: what one gets from a plain geometry column and no tuning. For reference the command also
times the whole geometries WITH their GiST index (a sounder baseline, printed but not used for
the speedup). JIT is off for every run so that compile time does not pad the naive figures.
"""

import random
import statistics
import time

from django.contrib.gis.geos import GEOSGeometry
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from geo.importers import SUBDIVIDE_VERTICES
from geo.services import check_site, check_site_against

SCHEMA = "geo_bench"
WHOLE = "bench_whole_features"
# England's extent in British National Grid, roughly (some sea and Wales: it does no harm).
X0, X1, Y0, Y1 = 140_000, 650_000, 20_000, 650_000
TOWNS = 2000
TOWN_RADIUS_M = 1500

# layer id, dataset, share of the features, geometry expression over a centre (x, y) and w in
# [0, 1). Large polygons are generated separately.
LAYERS = [
    (1, "listed-building", 0.80, "ST_SetSRID(ST_MakePoint(x, y), 27700)"),
    (
        2,
        "tree-preservation-zone",
        0.12,
        "ST_Buffer(ST_SetSRID(ST_MakePoint(x, y), 27700), 5 + 20 * w, 'quad_segs=2')",
    ),
    (
        3,
        "conservation-area",
        0.06,
        "ST_Buffer(ST_SetSRID(ST_MakePoint(x, y), 27700), 150 + 600 * w, 'quad_segs=8')",
    ),
    (
        4,
        "article-4-direction-area",
        0.02,
        "ST_Buffer(ST_SetSRID(ST_MakePoint(x, y), 27700), 300 + 1700 * w, 'quad_segs=16')",
    ),
]
LARGE_LAYERS = [(5, "green-belt"), (6, "flood-risk-zone")]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Benchmark check_site on synthetic national-scale layers against a naive query."

    def add_arguments(self, parser):
        parser.add_argument("--features", type=int, default=500_000)
        parser.add_argument("--large", type=int, default=None, help="polygons of 10,000+ vertices")
        parser.add_argument("--sites", type=int, default=3000)
        parser.add_argument("--naive-sites", type=int, default=100, help="sites timed naively")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--keep", action="store_true", help="keep the geo_bench schema")

    def handle(self, *args, **options):
        n_features, n_sites = options["features"], options["sites"]
        if n_features < 100 or n_sites < 2:
            raise CommandError("Use at least 100 features and 2 sites.")
        n_large = options["large"] if options["large"] is not None else max(2, n_features // 10_000)
        naive_sites = min(options["naive_sites"], n_sites)
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
                cursor.execute("SELECT setseed(%s)", [options["seed"] / 1000])
            self.generate(n_features, n_large)
            sites = self.sites(n_sites)
            self.log(f"set-up {time.monotonic() - started:.0f} s; timing {n_sites} sites")
            with connection.cursor() as cursor:
                cursor.execute(f"SET search_path TO {SCHEMA}, public")
            results = self.measure(sites, naive_sites)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET search_path")
                cursor.execute("RESET jit")
                if not options["keep"]:
                    cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        self.report(results, self.feature_total, n_sites, naive_sites, time.monotonic() - started)

    def log(self, message: str) -> None:
        self.stderr.write(message)

    # --- generating -------------------------------------------------------------------------

    def generate(self, n_features: int, n_large: int) -> None:
        small_total = n_features - n_large
        with connection.cursor() as cursor, transaction.atomic():
            step = time.monotonic()
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
            for table in ("geo_constraintlayer", "geo_constraintfeature"):
                cursor.execute(f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table})")
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.geo_constraintfeaturepart "
                "(LIKE public.geo_constraintfeaturepart)"
            )
            cursor.execute(
                f"ALTER TABLE {SCHEMA}.geo_constraintfeaturepart "
                "ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
            )
            cursor.execute(f"ALTER TABLE {SCHEMA}.geo_constraintfeature ADD COLUMN dataset text")
            for layer_id, dataset in [(lid, ds) for lid, ds, _, _ in LAYERS] + LARGE_LAYERS:
                cursor.execute(
                    f"INSERT INTO {SCHEMA}.geo_constraintlayer (id, dataset, source, publisher, "
                    "licence, attribution, file_name, file_sha256, feature_count) "
                    "VALUES (%s, %s, 'bench', 'synthetic', '', '', '', '', 0)",
                    [layer_id, dataset],
                )
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.town AS SELECT t AS id, "
                f"{X0} + random() * {X1 - X0} AS x, {Y0} + random() * {Y1 - Y0} AS y "
                f"FROM generate_series(1, {TOWNS}) t"
            )
            next_id = 1
            for layer_id, dataset, share, geometry_sql in LAYERS:
                count = round(small_total * share) if layer_id != 1 else 0
                if layer_id == 1:
                    count = small_total - sum(round(small_total * s) for _, _, s, _ in LAYERS[1:])
                self.insert_small(cursor, layer_id, dataset, geometry_sql, next_id, count)
                next_id += count
            self.insert_large(cursor, next_id, n_large)
            self.log(f"features generated in {time.monotonic() - step:.0f} s")

            step = time.monotonic()
            # The same cut the importer makes; small geometries pass through ST_Subdivide
            # unchanged, so they are copied directly to save time.
            cursor.execute(
                f"""
                INSERT INTO {SCHEMA}.geo_constraintfeaturepart (feature_id, dataset, geometry)
                SELECT id, dataset, geometry FROM {SCHEMA}.geo_constraintfeature
                WHERE ST_NPoints(geometry) <= {SUBDIVIDE_VERTICES}
                UNION ALL
                SELECT id, dataset, ST_Subdivide(geometry, {SUBDIVIDE_VERTICES})
                FROM {SCHEMA}.geo_constraintfeature
                WHERE ST_NPoints(geometry) > {SUBDIVIDE_VERTICES}
                """
            )
            for statement in (
                "ALTER TABLE {s}.geo_constraintlayer ADD PRIMARY KEY (id)",
                "ALTER TABLE {s}.geo_constraintfeature ADD PRIMARY KEY (id)",
                "CREATE INDEX ON {s}.geo_constraintfeaturepart USING gist (geometry)",
                "CREATE INDEX ON {s}.geo_constraintfeature USING gist (geometry)",
                "CREATE VIEW {s}.{w} AS SELECT id AS feature_id, dataset, geometry "
                "FROM {s}.geo_constraintfeature",
                "ANALYZE {s}.geo_constraintlayer",
                "ANALYZE {s}.geo_constraintfeature",
                "ANALYZE {s}.geo_constraintfeaturepart",
            ):
                cursor.execute(statement.format(s=SCHEMA, w=WHOLE))
            self.log(f"parts cut and indexed in {time.monotonic() - step:.0f} s")

    def insert_small(self, cursor, layer_id, dataset, geometry_sql, first_id, count) -> None:
        if count <= 0:
            return
        # Most features cluster in towns, as listed buildings and conservation areas do.
        cursor.execute(
            f"""
            INSERT INTO {SCHEMA}.geo_constraintfeature (id, layer_id, dataset, entity, name,
                reference, attributes, geometry, dimension, area_m2)
            SELECT id, {layer_id}, %(dataset)s, id::text, %(dataset)s || ' ' || id, id::text,
                   jsonb_build_object('grade', CASE WHEN grade < 0.025 THEN 'I'
                        WHEN grade < 0.08 THEN 'II*' ELSE 'II' END),
                   g, ST_Dimension(g), ST_Area(g)
            FROM (
                SELECT q.id, q.grade, {geometry_sql} AS g
                FROM (
                    SELECT r.id, r.w, r.grade,
                        CASE WHEN r.in_town THEN t.x + {TOWN_RADIUS_M} * sqrt(r.u)
                                 * cos(2 * pi() * r.v)
                             ELSE {X0} + r.u * {X1 - X0} END AS x,
                        CASE WHEN r.in_town THEN t.y + {TOWN_RADIUS_M} * sqrt(r.u)
                                 * sin(2 * pi() * r.v)
                             ELSE {Y0} + r.v * {Y1 - Y0} END AS y
                    FROM (
                        SELECT i AS id, random() AS u, random() AS v, random() AS w,
                               random() AS grade, random() < 0.7 AS in_town,
                               1 + floor(random() * {TOWNS})::int AS town
                        FROM generate_series(%(first)s, %(last)s) i
                    ) r JOIN {SCHEMA}.town t ON t.id = r.town
                ) q
            ) f
            """,
            {"dataset": dataset, "first": first_id, "last": first_id + count - 1},
        )

    def insert_large(self, cursor, first_id, n_large) -> None:
        """Green belt and flood zones: star-shaped polygons of 10,000-20,000 vertices and 5-25
        km radius. A jagged radius at strictly increasing angles keeps each one simple."""
        if n_large <= 0:
            return
        cursor.execute(
            f"""
            WITH big AS (
                SELECT k, {X0} + random() * {X1 - X0} AS cx, {Y0} + random() * {Y1 - Y0} AS cy,
                       5000 + random() * 20000 AS radius, random() * 6.283 AS phase,
                       10000 + floor(random() * 10000)::int AS vertices
                FROM generate_series(0, %(n)s - 1) k
            ),
            ring AS (
                SELECT b.k, ST_MakeLine(ST_MakePoint(b.cx + s.r * cos(s.t), b.cy + s.r * sin(s.t))
                                        ORDER BY s.j) AS line
                FROM big b
                CROSS JOIN LATERAL (
                    SELECT j, 2 * pi() * j / b.vertices AS t,
                           b.radius * (1 + 0.25 * sin(7 * 2 * pi() * j / b.vertices + b.phase)
                                       + 0.08 * sin(61 * 2 * pi() * j / b.vertices)
                                       + 0.03 * random()) AS r
                    FROM generate_series(0, b.vertices - 1) j
                ) s
                GROUP BY b.k
            )
            INSERT INTO {SCHEMA}.geo_constraintfeature (id, layer_id, dataset, entity, name,
                reference, attributes, geometry, dimension, area_m2)
            SELECT %(first)s + k, layer_id, dataset, (%(first)s + k)::text,
                   dataset || ' ' || k, (%(first)s + k)::text, '{{}}'::jsonb, g, 2, ST_Area(g)
            FROM (
                SELECT k, CASE WHEN k %% 2 = 0 THEN 5 ELSE 6 END AS layer_id,
                       CASE WHEN k %% 2 = 0 THEN 'green-belt' ELSE 'flood-risk-zone' END
                           AS dataset,
                       ST_SetSRID(ST_MakePolygon(ST_AddPoint(line, ST_StartPoint(line))), 27700)
                           AS g
                FROM ring
            ) polygons
            """,
            {"n": n_large, "first": first_id},
        )

    def sites(self, n_sites: int) -> list[GEOSGeometry]:
        """Random plots: most of them house-sized in towns, some of several hectares."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT ST_AsEWKB(ST_Multi(ST_Rotate(
                           ST_MakeEnvelope(x, y, x + w, y + h, 27700), angle, x, y)))
                FROM (
                    SELECT CASE WHEN r.in_town THEN t.x + {TOWN_RADIUS_M} * sqrt(r.u)
                                    * cos(2 * pi() * r.v)
                                ELSE {X0} + r.u * {X1 - X0} END AS x,
                           CASE WHEN r.in_town THEN t.y + {TOWN_RADIUS_M} * sqrt(r.u)
                                    * sin(2 * pi() * r.v)
                                ELSE {Y0} + r.v * {Y1 - Y0} END AS y,
                           CASE WHEN r.big THEN 100 + 150 * random() ELSE 8 + 52 * random() END
                               AS w,
                           CASE WHEN r.big THEN 100 + 150 * random() ELSE 8 + 52 * random() END
                               AS h,
                           random() * pi() AS angle
                    FROM (
                        SELECT i, random() AS u, random() AS v, random() < 0.6 AS in_town,
                               random() < 0.05 AS big,
                               1 + floor(random() * {TOWNS})::int AS town
                        FROM generate_series(1, %s) i
                    ) r JOIN {SCHEMA}.town t ON t.id = r.town
                ) s
                """,
                [n_sites],
            )
            return [GEOSGeometry(memoryview(row[0])) for row in cursor.fetchall()]

    # --- measuring --------------------------------------------------------------------------

    def measure(self, sites: list[GEOSGeometry], naive_sites: int) -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM geo_constraintfeature")
            self.feature_total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*), max(ST_NPoints(geometry)) FROM geo_constraintfeature "
                "WHERE ST_NPoints(geometry) >= 10000"
            )
            self.large_total, self.max_vertices = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM geo_constraintfeaturepart")
            self.part_total = cursor.fetchone()[0]
        for site in sites[:20]:  # warm the caches for both paths alike
            check_site(site)
            check_site_against(WHOLE, site)

        ours, hit_counts = [], []
        batch_started = time.perf_counter()
        for site in sites:
            t = time.perf_counter()
            hit_counts.append(len(check_site(site)))
            ours.append((time.perf_counter() - t) * 1000)
        batch_seconds = time.perf_counter() - batch_started

        sample = self.rng.sample(range(len(sites)), naive_sites)
        indexed = [self.timed(WHOLE, sites[i], index=True) for i in sample]
        naive = [self.timed(WHOLE, sites[i], index=False) for i in sample]
        # All three must find the same features, or the comparison means nothing.
        for i, (_, naive_hits), (_, indexed_hits) in zip(sample, naive, indexed, strict=True):
            if not hit_counts[i] == naive_hits == indexed_hits:
                raise CommandError(f"The naive query and check_site disagree on site {i}.")
        return {
            "ours": ours,
            "batch_seconds": batch_seconds,
            "hits": hit_counts,
            "indexed": [e for e, _ in indexed],
            "naive": [e for e, _ in naive],
        }

    def timed(self, table: str, site: GEOSGeometry, *, index: bool) -> tuple[float, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            if not index:
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            t = time.perf_counter()
            hits = len(check_site_against(table, site))
            return (time.perf_counter() - t) * 1000, hits

    # --- reporting --------------------------------------------------------------------------

    def report(self, results, features, n_sites, naive_sites, seconds) -> None:
        ours, naive, indexed = results["ours"], results["naive"], results["indexed"]
        p50, p95 = percentile(ours, 50), percentile(ours, 95)
        naive_p50, naive_p95 = percentile(naive, 50), percentile(naive, 95)
        speedup = naive_p95 / p95 if p95 else float("inf")
        out = self.stdout.write
        out(
            f"features: {features:,} ({self.large_total} of 10,000+ vertices, largest "
            f"{self.max_vertices:,}); indexed parts: {self.part_total:,}"
        )
        out(
            f"sites: {n_sites:,}; hits per site: mean {statistics.mean(results['hits']):.2f}, "
            f"max {max(results['hits'])}"
        )
        out(
            f"check_site (subdivided parts, GiST): p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
            f"max {max(ours):.2f} ms; batch {n_sites / results['batch_seconds']:.0f} sites/s"
        )
        out(
            f"whole geometries with GiST index ({naive_sites} sites): "
            f"p50 {percentile(indexed, 50):.2f} ms, p95 {percentile(indexed, 95):.2f} ms"
        )
        out(
            f"naive: whole geometries, no index ({naive_sites} sites): p50 {naive_p50:.2f} ms, "
            f"p95 {naive_p95:.2f} ms; batch {1000 * len(naive) / sum(naive):.1f} sites/s"
        )
        out(
            f"speedup at p95: {speedup:.1f}x over naive, "
            f"{percentile(indexed, 95) / p95:.1f}x over whole geometries with an index; "
            f"total run {seconds:.0f} s"
        )
        out(
            f"RESULT features={features} sites={n_sites} p50_ms={p50:.2f} p95_ms={p95:.2f} "
            f"naive_p95_ms={naive_p95:.2f} speedup={speedup:.1f}"
        )
