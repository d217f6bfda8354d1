"""The importers on real records: 250 decided Southwark applications from the Planning London
Datahub and three of its raw records, read where they lie (../shared/data/history; use from
there only, never copied into the project). Skipped when the folder is absent."""

from pathlib import Path

import pytest
from django.core.management import call_command

from planning.models import PastApplication, PastDecision
from planning.site_history.lookup import site_history

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "history"
SAMPLE = SHARED / "southwark-planning-history-sample.geojson"
RAW = SHARED / "raw-examples"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/history is absent")


def load(path, capsys, *args):
    call_command(
        "load_planning_history",
        str(path),
        "--council",
        "E09000028",
        "--format",
        "london-datahub",
        "--no-progress",
        *args,
    )
    return capsys.readouterr().out


def test_it_loads_the_datahub_sample_whole(southwark, capsys):
    out = load(SAMPLE, capsys)

    records = PastApplication.objects.filter(council=southwark)
    assert records.count() == 250, out
    assert "read 250, loaded 250, skipped 0, repaired 1 invalid outlines" in out
    decisions = dict(
        (decision, records.filter(decision=decision).count()) for decision in PastDecision.values
    )
    assert decisions["granted"] == 207 and decisions["refused"] == 21
    assert decisions["withdrawn"] == 18 and decisions["not-required"] == 3
    assert decisions["declined"] == 1 and decisions["other"] == 0
    refused = records.get(reference="21/AP/2555")
    assert refused.decision == PastDecision.REFUSED
    assert str(refused.decision_date) == "2021-09-14"
    assert 40 < refused.area_m2 < 200  # a plot of about 0.01 ha, measured in British metres
    # Every outline is in British National Grid, inside Southwark.
    for record in records:
        x, y = record.geometry.centroid.coords
        assert 529_000 < x < 537_000 and 170_000 < y < 181_000, record.reference
    # Addresses are put together where the register's site name is empty.
    assert not records.filter(address="").exists()


def test_it_reads_the_raw_datahub_records(southwark, capsys):
    out = load(RAW, capsys)

    assert "read 3, loaded 3, skipped 0" in out
    withdrawn = PastApplication.objects.get(reference="20/AP/0630")
    assert withdrawn.decision == PastDecision.WITHDRAWN
    assert withdrawn.address == "151 Borough High Street, London, Southwark"
    declined = PastApplication.objects.get(reference="21/AP/3380")
    assert declined.decision == PastDecision.DECLINED
    assert declined.appeal_decision == "Allowed"
    assert declined.address == "9, Blenheim Grove, SE15 4QS"


def test_a_site_reads_its_history_from_the_sample(southwark, capsys):
    load(SAMPLE, capsys)
    record = PastApplication.objects.get(reference="21/AP/2555")

    found = site_history(southwark, record.geometry, within_m=50)

    assert found[0].record.reference == "21/AP/2555"
    assert found[0].on_site and found[0].refused
    assert found[0].why.startswith("Covers 100% of this site")
