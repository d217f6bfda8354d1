import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str, env_url


def test_it_names_a_missing_variable(monkeypatch):
    monkeypatch.delenv("TRIAGE_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_MISSING is required"):
        env_str("TRIAGE_MISSING")


def test_it_rejects_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("TRIAGE_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_FLAG='maybe' is not a boolean"):
        env_bool("TRIAGE_FLAG")


def test_it_rejects_a_number_below_its_minimum(monkeypatch):
    monkeypatch.setenv("TRIAGE_N", "3")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("TRIAGE_N", minimum=10)


def test_it_rejects_a_url_of_the_wrong_scheme(monkeypatch):
    monkeypatch.setenv("TRIAGE_DB", "mysql://localhost/db")
    with pytest.raises(ImproperlyConfigured, match="expected postgis"):
        env_url("TRIAGE_DB", schemes=("postgis",))


def test_it_treats_an_empty_url_as_not_configured(monkeypatch):
    monkeypatch.setenv("TRIAGE_LLM", "")
    assert env_url("TRIAGE_LLM", schemes=("http",)) == ""


def test_it_reads_a_json_object_and_names_a_bad_one(monkeypatch):
    from config.env import env_json_object

    monkeypatch.setenv("TRIAGE_RULES", '{"listed-building": {"buffer_m": 30}}')
    assert env_json_object("TRIAGE_RULES") == {"listed-building": {"buffer_m": 30}}
    monkeypatch.setenv("TRIAGE_RULES", "[1, 2]")
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_RULES must be a JSON object"):
        env_json_object("TRIAGE_RULES")
    monkeypatch.setenv("TRIAGE_RULES", "{buffer: 30}")
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_RULES is not valid JSON"):
        env_json_object("TRIAGE_RULES")


def test_the_local_service_ports_move_the_settings_too():
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(TRIAGE_PG_PORT="55432", TRIAGE_REDIS_PORT="56379")
    for module in ("config.settings.local", "config.settings.test"):
        printed = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from {module} import DATABASES, REDIS_URL; "
                "print(DATABASES['default']['PORT'], REDIS_URL)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert printed[0] == "55432", module
        assert ":56379/" in printed[1], module
