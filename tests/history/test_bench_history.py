"""The benchmark command runs end to end on a small register and leaves nothing behind."""

from django.core.management import call_command
from django.db import connection

from planning.models import PastApplication


def test_it_measures_and_removes_its_register(transactional_db, capsys):
    call_command("bench_history", records=2000, sites=20, naive_sites=5)

    out = capsys.readouterr().out
    result = next(line for line in out.splitlines() if line.startswith("RESULT "))
    assert "records=2000" in result and "naive_over_ours=" in result
    assert "on the site" in out
    assert not PastApplication.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'history_bench'")
        assert cursor.fetchone() is None
