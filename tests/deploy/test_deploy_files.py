"""The deployment files agree with the app: the environment example names every setting the app
reads, compose runs migrations once before the app servers and checks every service's health,
nginx and systemd run the gunicorn configuration that exists, and the health check tells a
working app server from a failing one."""

import os
import re
import runpy
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTING_READ = re.compile(r"""(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z][A-Z0-9_]+)\"""")


def settings_read(path: Path) -> set[str]:
    return set(SETTING_READ.findall(path.read_text(encoding="utf-8")))


def test_the_environment_example_names_every_setting_the_app_and_gunicorn_read():
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    read = settings_read(ROOT / "kpi_tracker" / "settings.py") | settings_read(DEPLOY / "gunicorn.conf.py")
    assert {"SECRET_KEY", "DATABASE_URL", "DATABASE_REPLICA_URLS", "CACHE_URL", "GUNICORN_WORKERS"} <= read
    assert read - named == set()


def test_compose_migrates_once_before_the_app_servers_and_checks_health():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"db", "migrate", "app", "proxy"} <= set(services)
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert "createcachetable" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"
    for name in ("db", "app", "proxy"):
        assert services[name]["healthcheck"]["test"], name
    app = services["app"]
    assert app["environment"]["DEBUG"] == "0"
    assert "ports" not in app and "container_name" not in app  # `--scale app=N` needs both absent
    for service in services.values():  # every file compose mounts exists
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and source != "./certs":
                assert (DEPLOY / source).exists(), source
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert '"-c", "deploy/gunicorn.conf.py"' in dockerfile


def test_nginx_passes_the_client_and_scheme_on_to_the_app_servers():
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_pass http://kpi_tracker;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "server app:8000" in nginx


def test_systemd_runs_gunicorn_with_its_configuration_and_backs_up_daily():
    unit = (DEPLOY / "kpi-tracker.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/kpi-tracker/env" in unit
    assert re.search(r"^ExecStart=\S+/gunicorn -c deploy/gunicorn\.conf\.py kpi_tracker\.wsgi$", unit, re.MULTILINE)
    backup = (DEPLOY / "kpi-tracker-backup.service").read_text(encoding="utf-8")
    assert "Type=oneshot" in backup and "deploy/backup.sh" in backup
    timer = (DEPLOY / "kpi-tracker-backup.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 03:00:00 Asia/Tokyo" in timer and "Persistent=true" in timer


def test_gunicorn_configuration_reads_its_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 5 and config["bind"] == "0.0.0.0:8000" and config["timeout"] == 30


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_the_backup_scripts_are_executable_bash(script):
    path = DEPLOY / script
    assert path.stat().st_mode & stat.S_IXUSR
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


class Answer(BaseHTTPRequestHandler):
    """200 for the allowed host arriving over https at the proxy, 400 otherwise (like the app)."""

    def do_GET(self):
        good = self.headers["Host"] == "kpi.example.jp" and self.headers["X-Forwarded-Proto"] == "https"
        self.send_response(200 if good and self.path == "/robots.txt" else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def app_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "healthy"), [("/robots.txt", True), ("/broken", False)])
def test_the_health_check_asks_as_the_proxy_does(app_server, path, healthy):
    environment = {**os.environ, "ALLOWED_HOSTS": "kpi.example.jp,www.kpi.example.jp"}
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), app_server + path], env=environment, capture_output=True
    )
    assert (result.returncode == 0) is healthy


def test_the_health_check_fails_when_nothing_answers():
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), "http://127.0.0.1:9/robots.txt"], capture_output=True
    )
    assert result.returncode == 1
