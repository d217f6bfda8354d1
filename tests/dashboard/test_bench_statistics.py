"""The statistics benchmark runs end to end on a small caseload and leaves nothing behind."""

from django.core.management import call_command

from planning.models import Council, PlanningApplication, User


def test_it_measures_pages_and_exports_and_removes_its_caseload(transactional_db, capsys):
    call_command("bench_statistics", applications=300, repeat=2)
    out = capsys.readouterr().out
    assert "backlog page" in out and "PS2 page" in out
    assert "XLSX, all applications (write-only)" in out and "(naive)" in out
    result = next(line for line in out.splitlines() if line.startswith("RESULT "))
    assert "applications=300" in result and "export_peak_growth_mb=" in result
    assert "naive_over_ours_xlsx=" in result
    assert not Council.objects.filter(code="E06999998").exists()
    assert not PlanningApplication.objects.exists()
    assert not User.objects.filter(username="bench-manager").exists()
