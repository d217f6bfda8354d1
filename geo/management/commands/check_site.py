import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo.services import check_site, hit_as_dict, site_from_geojson


class Command(BaseCommand):
    help = (
        "List the constraint features a site overlaps or lies near. The site is GeoJSON "
        "(a geometry, Feature or FeatureCollection), WGS84 unless its crs says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--geojson", required=True, help="file with the site boundary")
        parser.add_argument(
            "--dataset", action="append", help="only this dataset (repeat for more)"
        )
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        path = Path(options["geojson"])
        try:
            data = json.loads(path.read_text())
            site = site_from_geojson(data)
        except OSError as e:
            raise CommandError(f"Cannot read {path}: {e.strerror}") from e
        except json.JSONDecodeError as e:
            raise CommandError(f"{path} is not JSON: {e}") from e
        except ValueError as e:
            raise CommandError(f"{path}: {e}") from e
        hits = check_site(site, datasets=options["dataset"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"site_area_m2": round(site.area, 2), "hits": [hit_as_dict(h) for h in hits]},
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"Site area {site.area:,.1f} m²; {len(hits)} constraint feature(s).")
        for hit in hits:
            grade = hit.attributes.get("grade")
            label = hit.name or hit.reference or hit.entity or f"feature {hit.feature_id}"
            if grade:
                label += f" (grade {grade})"
            if hit.relation == "nearby":
                measure = f"{hit.distance_m:,.1f} m away"
            else:
                measure = f"{hit.overlap_area_m2:,.1f} m², {hit.site_share_pct:.1f}% of the site"
            flag = "  [grazes the boundary: likely the neighbour's land]" if hit.grazes else ""
            entity = f" #{hit.entity}" if hit.entity else ""
            self.stdout.write(
                f"{hit.dataset:<28} {hit.relation:<15} {measure:<34} {label}{entity}{flag}"
            )
