"""The API probe (deploy/probe/api_probe.py) against a live server: every endpoint family
with hostile inputs, tenancy with a second council's key, and concurrent uploads of one
file fetched back through the officers' download. Nothing may be flagged."""

import importlib.util
import io
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CouncilApiKeyFactory, UserFactory

PROBE = Path(__file__).resolve().parents[2] / "deploy" / "probe" / "api_probe.py"


def load_probe():
    spec = importlib.util.spec_from_file_location("api_probe", PROBE)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


# The probe's PNG that claims 10,000 by 10,000 pixels is meant to be one.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.django_db(transaction=True)
def test_the_probe_flags_nothing(live_server, southwark, trafford, queue):
    key = CouncilApiKeyFactory(council=southwark, name="Probe")
    other_key = CouncilApiKeyFactory(council=trafford, name="Probe (other council)")
    UserFactory(username="probe-officer", council=southwark)
    database = settings.DATABASES["default"]
    out = io.StringIO()

    status = load_probe().main(
        [
            "--base-url",
            live_server.url,
            "--key",
            key.key,
            "--other-key",
            other_key.key,
            "--officer",
            "probe-officer:correct-horse-battery",
            # What would tell an outsider about the machinery behind the API.
            "--forbid",
            settings.SECRET_KEY,
            "--forbid",
            str(settings.MEDIA_ROOT),
            "--forbid",
            str(settings.BASE_DIR),
            "--forbid",
            database["NAME"],
            "--quick",
            "--trials",
            "3",
            "--concurrent",
            "4",
        ],
        out=out,
    )

    report = out.getvalue()
    assert status == 0, report
    assert re.search(r"concurrent uploads intact\s+3/3", report), report
    families = {
        "authentication",
        "methods",
        "paths",
        "submit",
        "odp",
        "update",
        "upload",
        "list filters",
        "statistics",
        "idempotency",
        "tenancy",
        "concurrent uploads",
    }
    assert all(f"{family} " in report for family in families), report
