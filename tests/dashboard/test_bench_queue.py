"""The benchmark command runs end to end on a small caseload and leaves nothing behind."""

from django.core.management import call_command

from planning.models import Council, PlanningApplication


def test_it_measures_and_removes_its_caseload(transactional_db, capsys):
    call_command("bench_queue", applications=300, repeat=2)
    out = capsys.readouterr().out
    assert "queue: all open, default order" in out and "application page" in out
    assert "queue: refused on this site before" in out
    result = next(line for line in out.splitlines() if line.startswith("RESULT "))
    assert "applications=300" in result and "naive_over_ours=" in result
    assert not Council.objects.filter(code="E06999998").exists()
    assert not PlanningApplication.objects.exists()
