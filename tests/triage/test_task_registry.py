"""Services send tasks by name (they never import triage.tasks, which imports them): the
names must be registered in every process that sends them, a web or command process too."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_command_process_has_the_triage_tasks_registered():
    code = (
        "import django; django.setup();"
        "from celery import current_app;"
        "from triage import runs;"
        "print(runs.run_triage_task().name, "
        "'triage.tasks.rerun_applications' in current_app.tasks)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert out.stdout.split() == ["triage.tasks.run_triage", "True"]
