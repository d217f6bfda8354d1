import json
import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

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


# --- Structured values, checked when the settings load ----------------------------------

ROOT = Path(__file__).resolve().parents[1]


def clean_environment(**variables: str) -> dict[str, str]:
    """A process environment with nothing of ours but `variables` (and the services' ports)."""
    env = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("TRIAGE_PG_PORT", "TRIAGE_REDIS_PORT", "HOME"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(variables)
    return env


def manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(module: str, names: str, **variables: str) -> list:
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json, {module} as s; print(json.dumps([getattr(s, n) for n in {names!r}]))",
        ],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(printed.stdout)


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"GEO_DATASET_RULES": '{"listed-buildings": {"buffer_m": 30}}'},
            "GEO_DATASET_RULES: unknown dataset 'listed-buildings'",
        ),
        (
            {"GEO_DATASET_RULES": '{"tree": {"buffer": 30}}'},
            "GEO_DATASET_RULES: in the rule for 'tree', unknown key 'buffer'.",
        ),
        (
            {"TRIAGE_DEFAULT_ENGINE": "gpt"},
            "TRIAGE_DEFAULT_ENGINE='gpt' is not one of: rules, llm.",
        ),
        (
            {"TRIAGE_DEFAULT_ENGINE": "llm"},
            "TRIAGE_DEFAULT_ENGINE=llm (the default once LLM_BASE_URL is set) needs the model",
        ),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' is not one of: CRITICAL, FATAL, ERROR"),
        (
            {"API_UPLOAD_THROTTLE_RATE": "lots"},
            "API_UPLOAD_THROTTLE_RATE='lots' is not valid: expected e.g. 120/min.",
        ),
    ],
)
def test_manage_py_check_stops_with_an_error_naming_the_variable(variables, message):
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.local", **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured: " + message in last_line(result)


def test_the_structured_settings_read_good_values():
    rules, engine, level, tiles = settings_of(
        "config.settings.local",
        ["GEO_DATASET_RULES", "TRIAGE_DEFAULT_ENGINE", "LOGGING", "MAP_TILE_URL"],
        GEO_DATASET_RULES='{"tree": {"buffer_m": 20, "graze_max_width_m": 0.5}}',
        LLM_BASE_URL="http://model-server:8000/v1",
        LLM_MODEL="planning-extractor",
        LOG_LEVEL="warning",
        MAP_TILE_URL="https://tiles.example.gov.uk/{z}/{y}/{x}.png",
    )

    assert rules == {"tree": {"buffer_m": 20.0, "graze_max_width_m": 0.5}}
    assert engine == "llm"  # the default once a model server is configured
    assert level["root"]["level"] == "WARNING"
    assert tiles == "https://tiles.example.gov.uk/{z}/{y}/{x}.png"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"tree": {"buffer_m": -1}}, "buffer_m=-1: input should be greater than or equal to 0"),
        ({"tree": {"buffer_m": 20_000}}, "buffer_m=20000: input should be less than or equal"),
        ({"tree": {"graze_max_share_pct": 150}}, "graze_max_share_pct=150"),
        ({"tree": {"buffer_m": "30"}}, "buffer_m='30': input should be a valid number"),
        ({"tree": {"buffer_m": True}}, "buffer_m=True: input should be a valid number"),
        ({"tree": 30}, "the rule for 'tree' must be an object of buffer_m"),
    ],
)
def test_dataset_rules_are_checked_for_types_and_ranges(rules, message):
    from geo.datasets import parse_rule_overrides

    with pytest.raises(ValueError, match=re.escape(message)):
        parse_rule_overrides(rules)


def test_a_dataset_rule_override_may_set_every_field_of_a_rule():
    from geo.datasets import DatasetRule, RuleOverride

    assert set(RuleOverride.model_fields) == {field.name for field in fields(DatasetRule)}


def test_env_choice_and_log_levels_ignore_case(monkeypatch):
    from config.env import env_choice, env_log_level, env_matching

    monkeypatch.setenv("TRIAGE_ENGINE", " LLM ")
    assert env_choice("TRIAGE_ENGINE", choices=("rules", "llm")) == "llm"
    monkeypatch.setenv("TRIAGE_LEVEL", "debug")
    assert env_log_level("TRIAGE_LEVEL") == "DEBUG"
    monkeypatch.setenv("TRIAGE_COLOUR", "blue")
    with pytest.raises(ImproperlyConfigured, match="TRIAGE_COLOUR='blue' is not valid"):
        env_matching("TRIAGE_COLOUR", pattern="#[0-9a-f]{6}", example="#1d70b8")


# --- Secrets from files ------------------------------------------------------------------


def test_a_secret_is_read_from_its_file_without_the_trailing_newline(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file\n")
    database = tmp_path / "database_url"
    database.write_text("postgis://triage:pa55@db.internal:5432/triage\n")
    llm_key = tmp_path / "llm_api_key"
    llm_key.write_text("sk-local")

    printed = settings_of(
        "config.settings.production",
        ["SECRET_KEY", "DATABASE_URL", "LLM_API_KEY", "REDIS_URL", "CACHE_REDIS_URL"],
        DJANGO_SECRET_KEY_FILE=str(secret),
        DATABASE_URL_FILE=str(database),
        LLM_API_KEY_FILE=str(llm_key),
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert printed == [
        "from-a-file",
        "postgis://triage:pa55@db.internal:5432/triage",
        "sk-local",
        "redis://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/0",  # the cache follows the broker unless told otherwise
    ]


def test_a_secret_set_both_ways_is_refused(tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file")
    monkeypatch.setenv("TRIAGE_SECRET", "inline")
    monkeypatch.setenv("TRIAGE_SECRET_FILE", str(secret))

    with pytest.raises(ImproperlyConfigured, match="Both TRIAGE_SECRET and TRIAGE_SECRET_FILE"):
        env_str("TRIAGE_SECRET", secret=True)


def test_an_unreadable_secret_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read: No such file or directory"):
        env_str("TRIAGE_SECRET", secret=True)
    monkeypatch.setenv("TRIAGE_SECRET_FILE", str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="cannot be read: Is a directory"):
        env_str("TRIAGE_SECRET", secret=True)
    (tmp_path / "empty").write_text("\n")
    monkeypatch.setenv("TRIAGE_SECRET_FILE", str(tmp_path / "empty"))
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        env_str("TRIAGE_SECRET", secret=True)


def test_only_secrets_are_read_from_files(tmp_path, monkeypatch):
    (tmp_path / "level").write_text("DEBUG")
    monkeypatch.setenv("TRIAGE_LEVEL_FILE", str(tmp_path / "level"))
    assert env_str("TRIAGE_LEVEL", "INFO") == "INFO"


def test_a_bad_secret_is_never_repeated_in_the_error(tmp_path):
    database = tmp_path / "database_url"
    database.write_text("mysql://triage:hunter2@db.internal/triage")

    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL_FILE=str(database),
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert "DATABASE_URL (value hidden) is not a valid URL" in last_line(result)
    assert "hunter2" not in result.stderr


def test_a_missing_secret_file_stops_manage_py(tmp_path):
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY_FILE=str(tmp_path / "nowhere"),
    )

    assert result.returncode != 0
    assert f"DJANGO_SECRET_KEY_FILE='{tmp_path / 'nowhere'}' cannot be read" in last_line(result)


# --- Which settings a process starts with -------------------------------------------------


def test_without_settings_a_production_host_refuses_to_start_in_one_line():
    result = manage("check", TRIAGE_ENVIRONMENT="production")

    assert result.returncode == 4
    assert result.stderr.strip() == (
        "Not starting: DJANGO_SETTINGS_MODULE is not set: set it to config.settings.production "
        "(or another module under config.settings); only a development checkout falls back "
        "to config.settings.local."
    )


def test_the_celery_worker_refuses_the_same_way():
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"],
        cwd=ROOT,
        env=clean_environment(TRIAGE_ENVIRONMENT="production"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 4
    assert result.stderr.startswith("Not starting: DJANGO_SETTINGS_MODULE is not set")


def test_a_development_checkout_falls_back_to_the_local_settings():
    result = manage("diffsettings", "--output", "unified")

    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout


def test_only_a_git_working_copy_is_a_development_checkout(tmp_path, monkeypatch):
    from config import startup

    monkeypatch.delenv("TRIAGE_ENVIRONMENT", raising=False)
    monkeypatch.setattr(startup, "ROOT", tmp_path)
    assert not startup.is_development_checkout()
    (tmp_path / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert startup.is_development_checkout()
    monkeypatch.setenv("TRIAGE_ENVIRONMENT", "Production")
    assert not startup.is_development_checkout()


def test_an_explicit_settings_module_is_never_second_guessed(monkeypatch):
    from config import startup

    monkeypatch.setenv("TRIAGE_ENVIRONMENT", "production")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    startup.choose_settings_module()
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SETTINGS_MODULE is not set"):
        startup.choose_settings_module()


# --- The test settings ignore the developer's shell ----------------------------------------


LEAKS = {
    "LLM_BASE_URL": "http://gpu-box:8000/v1",
    "LLM_MODEL": "big-model",
    "TRIAGE_DEFAULT_ENGINE": "llm",
    "GEO_DATASET_RULES": '{"tree": {"buffer_m": 99}}',
    "LOG_LEVEL": "DEBUG",
    "MAP_TILE_URL": "https://tiles.example.gov.uk/{z}/{x}/{y}.png",
    "DJANGO_DEBUG": "true",
    "DATABASE_URL": "postgis://postgres@db.elsewhere:5432/triage",
}
PINNED = [
    "LLM_BASE_URL",
    "TRIAGE_DEFAULT_ENGINE",
    "GEO_DATASET_RULES",
    "LOGGING",
    "MAP_TILE_URL",
    "DEBUG",
    "DATABASE_URL",
]


def test_the_test_settings_ignore_what_a_shell_exports():
    (llm, engine, rules, logging_, tiles, debug, database) = settings_of(
        "config.settings.test", PINNED, **LEAKS
    )

    assert (llm, engine, rules, tiles, debug) == ("", "rules", {}, "", False)
    assert logging_["root"]["level"] == "INFO"
    assert "db.elsewhere" not in database


def test_the_test_settings_take_what_a_test_passes_by_name():
    (llm, engine, *_rest) = settings_of(
        "config.settings.test",
        PINNED,
        **LEAKS,
        TRIAGE_TEST_SETTINGS_FROM_ENV="LLM_BASE_URL,LLM_MODEL,TRIAGE_DEFAULT_ENGINE",
    )

    assert (llm, engine) == ("http://gpu-box:8000/v1", "llm")
