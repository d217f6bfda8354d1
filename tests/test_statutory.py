"""The statutory clock and PS1/PS2 categories (DMPO 2015 art. 2 and 34)."""

import datetime

import pytest

from planning.statutory import categorise, statutory_clock

VALID = datetime.date(2026, 11, 2)  # a Monday


def clock(category, *, eia=False, extension=None, valid=VALID):
    return statutory_clock(
        valid, category=category, eia_required=eia, extension_of_time_until=extension
    )


def test_it_gives_a_householder_eight_weeks_and_q21():
    category = categorise(
        "pp.full.householder",
        dwellings=None,
        floorspace_m2=25,
        site_area_m2=320,
        project_types=["extend.rear"],
    )
    assert (category.category, category.ps2_code, category.scale) == ("other", "Q21", None)
    result = clock(category)
    assert result.period_weeks == 8
    assert result.statutory_deadline == datetime.date(2026, 12, 28)
    assert result.determination_deadline == result.statutory_deadline
    assert not result.extended


def test_it_gives_minor_dwellings_eight_weeks_and_q13():
    category = categorise(
        "pp.full.minor",
        dwellings=9,
        floorspace_m2=850,
        site_area_m2=2_400,
        project_types=["new.residential.dwelling"],
    )
    assert (category.category, category.ps2_code) == ("minor", "Q13")
    assert "9" in category.reason
    assert clock(category).period_weeks == 8


@pytest.mark.parametrize(
    ("dwellings", "floorspace", "site", "reason"),
    [
        (10, None, 900, "10 or more dwellings (10)"),
        (None, None, 5_000, "a site of 0.5 ha or more (0.50 ha), dwellings unknown"),
        (4, 1_000, 900, "1,000 m² or more of new floorspace (1,000 m²)"),
        (4, 300, 10_000, "a site of 1 ha or more (1.00 ha)"),
    ],
)
def test_it_finds_each_major_threshold(dwellings, floorspace, site, reason):
    category = categorise(
        "pp.full",
        dwellings=dwellings,
        floorspace_m2=floorspace,
        site_area_m2=site,
        project_types=["new.residential.dwelling"],
    )
    assert category.category == "major"
    assert category.ps2_code == "Q01"
    assert category.reason == reason


def test_it_stays_minor_just_under_every_threshold():
    category = categorise(
        "pp.full",
        dwellings=9,
        floorspace_m2=999,
        site_area_m2=9_999,
        project_types=["new.residential.dwelling"],
    )
    assert category.category == "minor"


def test_it_does_not_apply_the_half_hectare_rule_to_non_housing():
    category = categorise(
        "pp.full", dwellings=None, floorspace_m2=200, site_area_m2=6_000, project_types=["extend"]
    )
    assert category.category == "minor" and category.ps2_code == "Q18"


def test_it_gives_major_dwellings_thirteen_weeks_and_splits_small_from_large_scale():
    small = categorise("pp.full.major", dwellings=48, floorspace_m2=4_100, site_area_m2=8_000)
    large = categorise("pp.full.major", dwellings=200, floorspace_m2=15_000, site_area_m2=30_000)
    assert (small.ps2_code, small.scale) == ("Q01", "smallscale")
    assert (large.ps2_code, large.scale) == ("Q01", "largescale")
    assert clock(small).period_weeks == 13
    assert clock(small).statutory_deadline == datetime.date(2027, 2, 1)


def test_it_gives_an_eia_major_sixteen_weeks():
    category = categorise("pp.full.major", dwellings=120, floorspace_m2=None, site_area_m2=None)
    result = clock(category, eia=True)
    assert result.period_weeks == 16
    assert result.statutory_deadline == datetime.date(2027, 2, 22)


def test_it_moves_the_deadline_to_an_agreed_extension_of_time():
    category = categorise("pp.full.major", dwellings=48, floorspace_m2=None, site_area_m2=None)
    result = clock(category, extension=datetime.date(2027, 3, 31))
    assert result.statutory_deadline == datetime.date(2027, 2, 1)
    assert result.determination_deadline == datetime.date(2027, 3, 31)
    assert result.extended


def test_it_ignores_an_extension_that_ends_before_the_statutory_deadline():
    category = categorise("pp.full.householder", dwellings=None, floorspace_m2=None, site_area_m2=1)
    result = clock(category, extension=datetime.date(2026, 12, 1))
    assert result.determination_deadline == datetime.date(2026, 12, 28)
    assert not result.extended


def test_it_has_no_clock_before_the_application_is_valid():
    category = categorise("pp.full.minor", dwellings=2, floorspace_m2=None, site_area_m2=None)
    result = clock(category, valid=None)
    assert result.period_weeks is None and result.determination_deadline is None


@pytest.mark.parametrize(
    ("application_type", "project_types", "expected"),
    [
        ("ldc.proposed", ["extend.rear"], ("other", "Q26")),
        ("ldc.existing", [], ("other", "Q26")),
        ("listed", ["internal"], ("other", "Q23")),
        ("listed", ["demolish.building"], ("other", "Q24")),
        ("advertConsent", [], ("other", "Q22")),
        ("pa.part1.classA", ["extend.rear"], ("prior-approval", "PA")),
        ("pa.part3.classMA", ["changeOfUse"], ("prior-approval", "PA")),
        ("landDrainageConsent", ["alter"], ("not-counted", None)),
        ("pp.full.minor", ["changeOfUse"], ("other", "Q20")),
        ("pp.full", ["new.office"], ("minor", "Q14")),
        ("pp.full", ["extend.industrial.warehouse"], ("minor", "Q15")),
        ("pp.full", ["changeOfUse.retail.shop"], ("minor", "Q16")),
        ("pp.full", ["new.travellerPitches"], ("minor", "Q17")),
    ],
)
def test_it_codes_each_kind_of_application(application_type, project_types, expected):
    category = categorise(
        application_type,
        dwellings=None,
        floorspace_m2=None,
        site_area_m2=400,
        project_types=project_types,
    )
    assert (category.category, category.ps2_code) == expected


def test_it_codes_major_non_residential_development_by_use():
    offices = categorise(
        "pp.full",
        dwellings=None,
        floorspace_m2=12_000,
        site_area_m2=5_000,
        project_types=["new.office"],
    )
    assert (offices.category, offices.ps2_code, offices.scale) == ("major", "Q02", "largescale")
    hospital = categorise(
        "pp.full",
        dwellings=None,
        floorspace_m2=3_000,
        site_area_m2=5_000,
        project_types=["extend.hospital"],
    )
    assert (hospital.ps2_code, hospital.scale) == ("Q07", "smallscale")
