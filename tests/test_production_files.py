"""deploy/production/ checked where this machine can: the systemd units pass
`systemd-analyze verify`, each host role's documented settings start the production settings,
the container's entrypoint knows the roles the units run, and the image installs the runtime
packages the set-up script does."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ROOT / "deploy" / "production"
INSTALLED_AT = "/opt/planning-triage"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="deploy/local/setup.sh")
def test_the_systemd_units_verify(tmp_path):
    units = sorted((PRODUCTION / "systemd").iterdir()) + sorted(
        (PRODUCTION / "model-servers").glob("*.service")
    )
    for unit in units:
        # As installed, with the checkout standing in for /opt/planning-triage.
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED_AT, str(ROOT)))

    verified = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit.name) for unit in units)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )

    assert verified.returncode == 0, verified.stderr
    # Warnings are errors too, but for what verify says of units it was not given.
    problems = [line for line in verified.stderr.splitlines() if str(tmp_path) in line]
    assert problems == []


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@pytest.mark.parametrize("role", ["web", "worker"])
def test_each_roles_settings_start_the_production_settings(role, tmp_path):
    environment = {
        **_env_file(PRODUCTION / "env" / "common.env"),
        **_env_file(PRODUCTION / "env" / f"{role}.env"),
    }
    # The secrets the units hand over as credentials, and those the env files name.
    secrets = {
        "DJANGO_SECRET_KEY": "a-secret-only-for-this-test",
        "DATABASE_URL": "postgis://triage@db.council.internal:5432/triage",
        "REDIS_URL": "redis://redis.council.internal:6379/0",
    }
    for name, value in secrets.items():
        (tmp_path / name).write_text(value + "\n")
        environment[f"{name}_FILE"] = str(tmp_path / name)
    for name, path in list(environment.items()):
        if name.endswith("_FILE") and path.startswith("/etc/planning-triage/secrets/"):
            (tmp_path / name).write_text("redis://redis.council.internal:6379/2\n")
            environment[name] = str(tmp_path / name)

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['default']['BACKEND'], settings.TRIAGE_RECOVERY_QUEUE)",
        ],
        env={"PATH": os.environ.get("PATH", ""), **environment},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["storages.backends.s3.S3Storage", "triage-recovery"]


def test_the_container_runs_each_role_the_units_run():
    entrypoint = (PRODUCTION / "entrypoint.sh").read_text()
    roles = set(re.findall(r"^  ([a-z]+)\)$", entrypoint, flags=re.MULTILINE))
    units = {
        path.stem.removeprefix("triage-") for path in (PRODUCTION / "systemd").glob("*.service")
    }

    assert units - {"daily"} <= roles
    unknown = subprocess.run(
        ["sh", str(PRODUCTION / "entrypoint.sh"), "nonsense"], capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "Unknown role" in unknown.stderr


def test_the_image_installs_the_runtime_packages_the_set_up_installs():
    containerfile = (PRODUCTION / "Containerfile").read_text()
    runtime_stage = containerfile.split("# --- What runs")[1]
    installed = set(
        re.findall(r"[a-z0-9][a-z0-9.+-]+", runtime_stage.split("install -y")[1].split("&&")[0])
    )
    setup = (ROOT / "deploy" / "local" / "setup.sh").read_text()

    for package in (
        "gdal-bin",
        "libgdal32",
        "libgeos-c1v5",
        "libproj25",
        "tesseract-ocr",
        "tesseract-ocr-eng",
    ):
        assert package in installed and package in setup
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", containerfile, flags=re.MULTILINE):
        for name in copied.split():
            assert name == "." or (ROOT / name).exists(), name
