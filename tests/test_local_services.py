"""deploy/local/services.sh run as root from a checkout in a private home (mode 700, like /root):
PostgreSQL runs as the postgres account, which cannot enter such a home, so the cluster goes
where it can; and where that cannot be done the script names the folder in the way.

Run only as root on a machine with the PostgreSQL 15 server (what the set-up installs): the
end-to-end test starts its own cluster and Redis on free ports and removes them afterwards.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.worker import PrivateRedis

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "deploy" / "local" / "services.sh"
INITDB = Path("/usr/lib/postgresql/15/bin/initdb")


def _postgres_account() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not _postgres_account() or not INITDB.exists(),
    reason="needs root, the postgres account and PostgreSQL 15 (deploy/local/setup.sh)",
)


@pytest.fixture
def home():
    """A private home (mode 700, owned by root) inside a folder anyone may enter."""
    outer = Path(tempfile.mkdtemp(prefix="triage-services-"))
    outer.chmod(0o755)
    home = outer / "home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    yield home
    shutil.rmtree(outer)


def check_reachable(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", f'source "{SERVICES}" && check_pg_reachable "$1"', "check", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_says_which_folder_the_postgres_account_cannot_enter(home):
    data = home / "project" / ".local" / "postgres"
    data.mkdir(parents=True)

    result = check_reachable(data)

    assert result.returncode == 1
    assert f"PostgreSQL cannot use its data folder {data}" in result.stderr
    assert f"cannot enter\n{home} (drwx------, owned by root)" in result.stderr
    assert f"chmod o+x {home}" in result.stderr


def test_it_accepts_a_folder_the_postgres_account_can_enter(home):
    home.chmod(0o755)
    data = home / "project" / ".local" / "postgres"
    data.mkdir(parents=True)

    result = check_reachable(data)

    assert result.returncode == 0
    assert result.stderr == ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_set_up_as_root_in_a_private_home_runs_postgres_where_the_account_can_reach(home):
    project = home / "project"
    (project / "deploy" / "local").mkdir(parents=True)
    script = project / "deploy" / "local" / "services.sh"
    shutil.copy2(SERVICES, script)
    pg_port, redis_port = _free_port(), _free_port()
    env = {**os.environ, "TRIAGE_PG_PORT": str(pg_port), "TRIAGE_REDIS_PORT": str(redis_port)}

    def services(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(script), command], capture_output=True, text=True, env=env, timeout=300
        )

    location_file = project / ".local" / "postgres-location"
    try:
        started = services("start")
        assert started.returncode == 0, started.stderr
        data = Path(location_file.read_text().strip())
        postgres_home = Path(pwd.getpwnam("postgres").pw_dir)
        assert data.parent == postgres_home
        assert data.name.startswith("triage-project-")
        assert f"The postgres account cannot enter {home}" in started.stdout
        assert f"PostgreSQL + PostGIS on 127.0.0.1:{pg_port} (data in {data})" in started.stdout

        psql = ["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-d", "triage"]
        postgis = subprocess.run(
            [*psql, "-tAc", "SELECT postgis_lib_version()"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert postgis.returncode == 0, postgis.stderr
        assert postgis.stdout.strip().startswith("3.")
        assert "PostgreSQL: running" in services("status").stdout

        again = services("start")  # a second set-up finds the cluster where it was put
        assert again.returncode == 0, again.stderr
        assert "cannot enter" not in again.stdout
    finally:
        stopped = services("stop")
        if location_file.exists():
            shutil.rmtree(location_file.read_text().strip(), ignore_errors=True)
    assert stopped.returncode == 0, stopped.stderr
    assert "PostgreSQL stopped" in stopped.stdout
    assert "Redis stopped" in stopped.stdout


def test_stop_leaves_another_checkouts_redis_running(tmp_path):
    """Two checkouts on one machine (a teammate's, a CI clone): `make stop` in one, with the
    other's port, stops nothing of the other's."""
    other = PrivateRedis(tmp_path).start()
    project = tmp_path / "project"
    (project / "deploy" / "local").mkdir(parents=True)
    script = project / "deploy" / "local" / "services.sh"
    shutil.copy2(SERVICES, script)
    env = {**os.environ, "TRIAGE_PG_PORT": str(_free_port()), "TRIAGE_REDIS_PORT": str(other.port)}
    try:
        stopped = subprocess.run(
            [str(script), "stop"], capture_output=True, text=True, env=env, timeout=60
        )
        assert stopped.returncode == 0, stopped.stderr
        assert f"Redis on {other.port} is not this checkout's" in stopped.stdout
        assert other.answers()
    finally:
        other.stop()
