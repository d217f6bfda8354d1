"""The reading benchmark runs end to end on a small scan and reads what it made."""

from django.core.management import call_command


def test_it_times_one_reader_against_several(capsys, settings):
    call_command("bench_reading", pages=2, workers=2, repeat=1)
    out = capsys.readouterr().out
    assert "1 reader(s)" in out and "2 reader(s)" in out
    result = next(line for line in out.splitlines() if line.startswith("RESULT "))
    assert "pages=2 workers=2" in result and "one_over_side_by_side=" in result
    assert settings.TRIAGE_OCR_WORKERS == 2  # put back as it was
