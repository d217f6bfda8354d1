import threading

import pytest
from django.contrib.gis.geos import GEOSGeometry

from planning.geometry import BRITISH_NATIONAL_GRID, WGS84, transformed
from tests.factories import SMALL_SITE_WKT


def test_it_transforms_as_gdal_does_by_srid_both_ways():
    site = GEOSGeometry(SMALL_SITE_WKT)

    ours = transformed(site, WGS84)

    assert ours.srid == WGS84
    assert ours.equals_exact(site.transform(WGS84, clone=True), tolerance=1e-12)
    back = transformed(ours, BRITISH_NATIONAL_GRID)
    assert back.srid == BRITISH_NATIONAL_GRID
    assert back.equals_exact(ours.transform(BRITISH_NATIONAL_GRID, clone=True), tolerance=1e-9)
    assert back.equals_exact(site, tolerance=0.01)  # within a centimetre, there and back
    assert site.srid == BRITISH_NATIONAL_GRID  # the original is left alone


def test_it_keeps_a_transformation_per_thread():
    site = GEOSGeometry(SMALL_SITE_WKT)
    expected = site.transform(WGS84, clone=True)
    results = []

    def work():
        results.extend(transformed(site, WGS84) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 200
    assert all(result.equals_exact(expected, tolerance=1e-12) for result in results)


@pytest.mark.parametrize("srid", [WGS84, BRITISH_NATIONAL_GRID])
def test_it_copies_a_geometry_already_in_the_wanted_srid(srid):
    site = transformed(GEOSGeometry(SMALL_SITE_WKT), srid)
    copy = transformed(site, srid)
    assert copy.equals_exact(site, tolerance=0) and copy is not site
