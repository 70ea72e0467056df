"""Throwaway PostgreSQL clusters for the deployment tests, with Debian's server binaries.

Each cluster has its own temporary data directory and a free port on 127.0.0.1, trusts local
connections (replication included, as initdb --auth=trust writes pg_hba.conf) and is stopped and
removed by ``stop``, which the fixtures call in a finalizer. When the tests run as root the
clusters belong to the postgres system user, as in scripts/run-tests.sh (initdb refuses root).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SUPERUSER = "kpi"
DATABASE = "kpi_tracker"


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return found[-1].parent if found else None


# The deployment tests run once, on the PostgreSQL pass of `make test`, and need the server binaries.
needs_postgresql = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="runs on the PostgreSQL pass of make test only",
    ),
    pytest.mark.skipif(server_binaries() is None, reason="PostgreSQL server binaries not found (make system-packages)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary directory; ``start`` it, ``stop`` it when done."""

    def __init__(self, name: str):
        self.bin = server_binaries()
        self.directory = Path(tempfile.mkdtemp(prefix=f"kpi-deploy-{name}."))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            cwd=self.directory,
        )

    def init(self) -> "Cluster":
        self.run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        return self

    def start(self) -> "Cluster":
        # Durability is not what these tests are about: no fsync keeps them fast on a busy machine.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off -c full_page_writes=off"
        try:
            self.run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-o", options, "start")
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"{error.stdout}{error.stderr}\n{self.log()}") from error
        return self

    def stop(self) -> None:
        """Stop the server (if it runs) and remove its directory; never raises."""
        if self.data.exists():
            subprocess.run(
                [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        path = self.directory / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def createdb(self, database: str = DATABASE) -> None:
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, database)

    def sql(self, query: str, database: str = DATABASE) -> str:
        """The result of ``query`` through psql, unaligned, without headers."""
        return self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-XAtq",
            "-v", "ON_ERROR_STOP=1", "-c", query,
        ).stdout.strip()  # fmt: skip

    def replica_of(self, primary: "Cluster") -> "Cluster":
        """Make this (not yet initialised) cluster a streaming replica of ``primary``.

        ``pg_basebackup -R`` copies the primary and writes standby.signal and primary_conninfo.
        """
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", SUPERUSER, "-D", str(self.data),
            "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        return self


def app_environment(**env: str) -> dict[str, str]:
    """The environment of a manage.py process of this project, with the suite's own settings removed."""
    inherited = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_REPLICA_URLS", "CACHE_URL", "DEBUG")
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    environment.update(env)
    return environment


def manage(*args: str, timeout: int = 120, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` with ``args`` in a fresh process, failing with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=app_environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def load_small_plan(database_url: str, slug: str) -> None:
    """A published plan of 12 KPIs (tests/factories.plan_with_kpis), written through the ORM."""
    manage(
        "shell",
        "-c",
        f"from tests.factories import plan_with_kpis; plan_with_kpis(12, slug={slug!r}, published=(2020, 2021))",
        DATABASE_URL=database_url,
    )


def wait_for(condition, *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)
