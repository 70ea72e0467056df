"""The page benchmark of `make bench` (scripts/bench.sh): wrk against the pages of the synthetic
nation served by gunicorn with production settings, each beside a static file of the same size
served by the same gunicorn and whitenoise.

It runs in two steps around the start of gunicorn, because whitenoise (without autorefresh, as in
production) serves only the static files that exist when a worker starts:

* ``prepare`` (before gunicorn): picks real URLs from the database, creates a planner and a
  department staff login with their sessions, renders each page once in-process (the Django test
  client, with the host gunicorn will see, so the shared cache is warmed under the same key) and
  writes its static twin of exactly that size into ``STATIC_ROOT/bench/``; the plan of the run
  goes to ``BENCH_WORK/pages.json``.
* ``run`` (gunicorn up at ``BENCH_BASE_URL``): fetches each page and twin once over HTTP (warm,
  and the real byte count), runs wrk with one client and with eight against both, checks the 304
  of the API and the CSV, reads the database size and the workers' memory, and writes
  ``results/<date>-<scale>.md`` and ``results/latest.json``; it prints which of the issue's
  thresholds pass. A measurement: it never fails on a threshold.

The parsing, the report and the threshold checks are pure functions, tested on canned wrk output
(tests/benchmarks/test_bench_report.py).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
RESULTS = Path(__file__).resolve().parent / "results"
WRK_MARK = "WRK_JSON "
STATIC_PREFIX = "bench"  # the twins live under STATIC_ROOT/bench/ and /static/bench/
NATION = 1741
SEARCH_QUERY = "子育て"

# The pages in the order of the report. "login" is the session wrk sends as a cookie.
PAGE_NAMES = (
    "home",
    "prefecture",
    "municipality",
    "plan",
    "goal",
    "kpi",
    "search",
    "api_plan",
    "csv",
    "opendata",
    "dashboard",
    "report",
    "entry",
)
REVALIDATED = ("api_plan", "csv")  # a repeat with If-None-Match must answer 304


@dataclass(frozen=True)
class Threshold:
    """One line of the issue's "done when" for one page: p95 under ``p95_ms`` with one client and,
    where given, the p50 within ``ratio`` times the static file's."""

    p95_ms: float
    ratio: float | None = None


THRESHOLDS: dict[str, Threshold] = {
    "goal": Threshold(p95_ms=100, ratio=3),
    "kpi": Threshold(p95_ms=100, ratio=3),
    "plan": Threshold(p95_ms=150),
    "home": Threshold(p95_ms=150),
    "municipality": Threshold(p95_ms=150),
    "search": Threshold(p95_ms=150),
    "api_plan": Threshold(p95_ms=300),
    "csv": Threshold(p95_ms=300),
    "opendata": Threshold(p95_ms=300),
    "dashboard": Threshold(p95_ms=300),
    "entry": Threshold(p95_ms=300),
}
RECOMPUTE_LIMIT_S = 60  # the nation
GENERATE_LIMIT_S = 600  # the nation


# --- wrk's output ------------------------------------------------------------------------------


def parse_wrk(output: str) -> dict:
    """The numbers of one wrk run from its standard output (the line wrk_report.lua prints):
    milliseconds, requests per second, and the failed requests (connection errors, timeouts and
    answers of 400 or more, which wrk counts as "status" errors). A run in which no request
    finished has no latency (``None``): the page did not answer within the run."""
    line = next((line for line in output.splitlines() if line.startswith(WRK_MARK)), None)
    if line is None:
        raise ValueError("wrk printed no WRK_JSON line (was it run with -s benchmarks/wrk_report.lua?)")
    raw = json.loads(line[len(WRK_MARK) :])
    requests, seconds = raw["requests"], raw["duration_us"] / 1e6
    answered = requests > 0

    def ms(key):
        return round(raw[key] / 1000, 2) if answered else None

    return {
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": ms("p50_us"),
        "p95_ms": ms("p95_us"),
        "p99_ms": ms("p99_us"),
        "max_ms": ms("max_us"),
        "errors": sum(raw["errors"].values()),
    }


def wrk_command(url: str, *, clients: int, seconds: int, cookie: str = "") -> list[str]:
    """wrk with one thread per client up to two (the machine's cores), ``clients`` connections,
    a 30 s timeout (a slow page is measured, not dropped) and the report script."""
    command = [
        "wrk",
        f"-t{min(clients, 2)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url]


def run_wrk(url: str, *, clients: int, seconds: int, cookie: str = "") -> dict:
    command = wrk_command(url, clients=clients, seconds=seconds, cookie=cookie)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(done.stdout)


# --- the report --------------------------------------------------------------------------------


def ratio(page_p50: float | None, static_p50: float | None) -> float | None:
    if page_p50 is None or not static_p50:
        return None
    return round(page_p50 / static_p50, 1)


def latest(result: dict) -> dict:
    """latest.json: {"scale", "pages": {name: {"p50_ms", "p95_ms", "rps", "static_p50_ms", "ratio",
    …}}, "recompute_s", "generate_s"}, the one-client numbers first in each page."""
    pages = {}
    for name, page in result["pages"].items():
        one, static = page["c1"], page["static_c1"]
        pages[name] = {
            "p50_ms": one["p50_ms"],
            "p95_ms": one["p95_ms"],
            "rps": one["rps"],
            "static_p50_ms": static["p50_ms"],
            "ratio": ratio(one["p50_ms"], static["p50_ms"]),
            "p99_ms": one["p99_ms"],
            "bytes": page["bytes"],
            "path": page["path"],
            "status": page["status"],
            "requests": one["requests"],
            "errors": one["errors"],
            "rendered_bytes": page["rendered_bytes"],
            "c8": {key: page["c8"][key] for key in ("p50_ms", "p95_ms", "p99_ms", "rps", "requests", "errors")},
            "static_c8": {key: page["static_c8"][key] for key in ("p50_ms", "p95_ms", "rps")},
            **({"revalidated_304": page["revalidated_304"]} if "revalidated_304" in page else {}),
        }
    return {
        "scale": result["scale"],
        "pages": pages,
        "recompute_s": result["recompute_s"],
        "generate_s": result["generate_s"],
        "database_bytes": result["database_bytes"],
        "worker_rss_bytes": result["worker_rss_bytes"],
        "machine": result["machine"],
        "wrk_seconds": result["wrk_seconds"],
    }


def checks(result: dict) -> list[tuple[str, bool | None]]:
    """The issue's thresholds against this run: (what, passed), passed ``None`` when the run has no
    number for it. Generation and recompute are compared as the nation (÷ scale below 1)."""
    found = []
    for name, threshold in THRESHOLDS.items():
        page = result["pages"].get(name)
        if page is None:
            continue
        p95 = page["c1"]["p95_ms"]
        found.append((f"{name}: p95 {_ms(p95)} < {threshold.p95_ms:g} ms", _below(p95, threshold.p95_ms)))
        if threshold.ratio is not None:
            times = ratio(page["c1"]["p50_ms"], page["static_c1"]["p50_ms"])
            passed = None if times is None else times <= threshold.ratio
            found.append((f"{name}: p50 {_times(times)} the static file's ≤ {threshold.ratio:g}×", passed))
        if name in REVALIDATED:
            found.append((f"{name}: 304 on a repeat with If-None-Match", page.get("revalidated_304")))
    scale = result["scale"]
    for label, key, limit in (
        ("recompute_progress", "recompute_s", RECOMPUTE_LIMIT_S),
        ("generation", "generate_s", GENERATE_LIMIT_S),
    ):
        seconds = result.get(key)
        nation = None if seconds is None else seconds / scale
        shown = "—" if nation is None else f"{nation:,.0f} s"
        extrapolated = " (extrapolated: ÷ scale)" if scale < 1 else ""
        found.append((f"{label} for the nation {shown}{extrapolated} < {limit} s", _below(nation, limit)))
    return found


def markdown(result: dict) -> str:
    """results/<date>-<scale>.md: the pages' table, then the data, the machine and the checks."""
    lines = [
        f"# make bench, {result['date']}, BENCH_SCALE={result['scale']:g}",
        "",
        f"{result['municipalities']:,} plans × 300 KPIs × 10 years on PostgreSQL; gunicorn with "
        f"{result['workers']} workers, production settings (DEBUG=0, whitenoise, the database cache); "
        f"wrk on 127.0.0.1 for {result['wrk_seconds']} s a run, one client (-t1 -c1) and eight (-t2 -c8). "
        "Each page beside a static file of the same byte size served by the same gunicorn and whitenoise.",
        "",
        "| page | bytes | requests | p50 | p95 | p99 | rps | p50, 8 clients | p95, 8 clients | rps, 8 clients "
        "| static p50 | static rps, 8 clients | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in result["pages"].items():
        one, eight, static = page["c1"], page["c8"], page["static_c1"]
        note = "" if page["status"] == 200 and not one["errors"] else f" ({page['status']}, {one['errors']} errors)"
        lines.append(
            f"| {name} `{page['path']}`{note} | {page['bytes']:,} | {one['requests']:,} | "
            f"{_ms(one['p50_ms'])} | {_ms(one['p95_ms'])} | "
            f"{_ms(one['p99_ms'])} | {one['rps']:,.1f} | {_ms(eight['p50_ms'])} | {_ms(eight['p95_ms'])} | "
            f"{eight['rps']:,.1f} | {_ms(static['p50_ms'])} | {page['static_c8']['rps']:,.1f} | "
            f"{_times(ratio(one['p50_ms'], static['p50_ms']))} |"
        )
    machine = result["machine"]
    rss = result["worker_rss_bytes"]
    lines += [
        "",
        "Times in milliseconds; requests: how many one client made in the run (a slow page's "
        "percentiles rest on few of them).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `generate_demo_data` | {_seconds(result['generate_s'])} |",
        f"| `recompute_progress --all --jobs 2` | {_seconds(result['recompute_s'])} |",
        f"| database size | {_megabytes(result['database_bytes'])} |",
        f"| gunicorn workers' memory (RSS after the run) | {', '.join(_megabytes(value) for value in rss) or '—'} |",
        f"| machine | {machine['nproc']} cores, load average {machine['load_before']} before the run, "
        f"{machine['load_after']} after; PostgreSQL {machine['postgresql']} |",
        "",
        "## The issue's thresholds",
        "",
    ]
    for what, passed in checks(result):
        lines.append(f"- {'pass' if passed else 'FAIL' if passed is False else 'no number'}: {what}")
    return "\n".join(lines) + "\n"


def write_results(result: dict, folder: Path = RESULTS) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    report = folder / f"{result['date']}-{result['scale']:g}.md"
    report.write_text(markdown(result))
    data = folder / "latest.json"
    data.write_text(json.dumps(latest(result), ensure_ascii=False, indent=2) + "\n")
    return report, data


def _below(value: float | None, limit: float) -> bool | None:
    return None if value is None else value < limit


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}×"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} s"


def _megabytes(value: int | None) -> str:
    return "—" if value is None else f"{value / 1024 / 1024:,.0f} MB"


# --- step 1, before gunicorn: the URLs, the logins, the static twins -----------------------------


def prepare(work: Path, host: str) -> dict:
    """Pick the pages, log the two staff members in, render each page once in-process (warming the
    shared cache under the key gunicorn will use) and write its static twin of the same size."""
    from django.conf import settings
    from django.test import Client

    pages = pick_pages()
    cookies = {login: _session_cookie(user) for login, user in bench_logins(pages.pop("_plan")).items()}
    twins = Path(settings.STATIC_ROOT) / STATIC_PREFIX
    twins.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST=host)
    for name, page in pages.items():
        client.cookies.clear()
        if page["login"]:
            client.cookies.load(cookies[page["login"]])
        response = client.get(page["path"])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code != 200:
            raise RuntimeError(f"{name} {page['path']}: {response.status_code} in-process, not 200")
        page["bytes"] = len(body)
        page["static_path"] = f"/{settings.STATIC_URL.strip('/')}/{STATIC_PREFIX}/{name}.html"
        (twins / f"{name}.html").write_bytes(_filler(len(body)))
    plan = {"pages": pages, "cookies": cookies}
    (work / "pages.json").write_text(json.dumps(plan, ensure_ascii=False, indent=2))
    return plan


def _filler(size: int) -> bytes:
    """An HTML file of exactly ``size`` bytes (whitenoise serves it as text/html, as the pages are)."""
    head = b"<!doctype html><title>bench</title>"
    return (head + b"x" * size)[:size]


def pick_pages() -> dict:
    """Real URLs of the generated data: the middle demo plan by id (a typical one), its
    municipality and prefecture, its first goal and first KPI, the search, its API document and
    CSV, the open-data catalogue, and its staff dashboard, report and one department's entry page."""
    from django.db.models import Count, Max
    from django.urls import reverse

    from plans.models import Actual, Kpi, Plan

    plans = Plan.objects.filter(slug__startswith="demo-").order_by("pk")
    count = plans.count()
    if not count:
        raise RuntimeError("no demo plans: run generate_demo_data first")
    plan = plans.select_related("municipality")[count // 2]
    town = plan.municipality
    goal = plan.goals.order_by("number").first()
    kpi = Kpi.objects.filter(plan=plan).order_by("order", "pk").first()
    department_id = (
        Kpi.objects.filter(plan=plan, department__isnull=False)
        .values("department")
        .annotate(kpis=Count("pk"))
        .order_by("-kpis", "department")[0]["department"]
    )
    year = Actual.objects.filter(kpi__plan=plan).aggregate(year=Max("year"))["year"]
    slug = {"slug": plan.slug}
    paths = {
        "home": (reverse("plans:plan-list"), ""),
        "prefecture": (reverse("plans:prefecture", kwargs={"code": town.prefecture_code}), ""),
        "municipality": (reverse("plans:municipality", kwargs={"code": town.code}), ""),
        "plan": (reverse("plans:plan-detail", kwargs=slug), ""),
        "goal": (reverse("plans:goal-detail", kwargs={**slug, "number": goal.number}), ""),
        "kpi": (reverse("plans:kpi-detail", kwargs={**slug, "code": kpi.code}), ""),
        "search": (reverse("plans:search") + "?" + urllib.parse.urlencode({"q": SEARCH_QUERY}), ""),
        "api_plan": (reverse("api:plan", kwargs=slug), ""),
        "csv": (reverse("plans:download-csv", kwargs=slug), ""),
        "opendata": (reverse("plans:opendata"), ""),
        "dashboard": (reverse("dashboard:plan", kwargs=slug), "planner"),
        "report": (reverse("dashboard:report", kwargs=slug), "planner"),
        "entry": (reverse("entry:form", kwargs={"department": department_id, "year": year}), "department"),
    }
    pages = {name: {"path": path, "login": login} for name, (path, login) in paths.items()}
    return {**pages, "_plan": {"plan": plan, "department_id": department_id}}


def bench_logins(chosen: dict) -> dict:
    """A planner of the plan's municipality and a department staff member of the chosen department,
    created as the create_staff command does (plans.services.accounts), once: a rerun on the same
    database reuses them."""
    from django.contrib.auth import get_user_model

    from plans import access
    from plans.services.accounts import create_staff

    town = chosen["plan"].municipality
    logins = {}
    for login, role, departments in (
        ("planner", access.PLANNER, ()),
        ("department", access.DEPARTMENT_STAFF, (chosen["department_id"],)),
    ):
        username = f"bench-{login}"
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = create_staff(actor=None, username=username, municipality=town, role=role, departments=departments)
        logins[login] = user
    return logins


def _session_cookie(user) -> str:
    """A logged-in session for ``user`` (stored in the database, so every gunicorn worker knows it)
    with a CSRF cookie, as the Cookie header wrk sends and the test client loads."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}; csrftoken={_get_new_csrf_string()}"


# --- step 2, gunicorn up: wrk, 304, memory, the report -------------------------------------------


def run(work: Path, base_url: str, *, seconds: int, scale: float, timings: dict, master_pid: int | None) -> dict:
    from django.db import connection

    plan = json.loads((work / "pages.json").read_text())
    load_before = _load_average()
    result = {
        "date": datetime.date.today().isoformat(),
        "scale": scale,
        "municipalities": max(1, round(NATION * scale)),
        "wrk_seconds": seconds,
        "workers": len(_workers(master_pid)) if master_pid else None,
        "generate_s": timings.get("generate_s"),
        "recompute_s": timings.get("recompute_s"),
        "pages": {},
    }
    for name in PAGE_NAMES:
        page = plan["pages"][name]
        cookie = plan["cookies"].get(page["login"], "") if page["login"] else ""
        url, static_url = base_url + page["path"], base_url + page["static_path"]
        status, body, headers = fetch(url, cookie=cookie)  # warms the cache over HTTP too
        static_status, static_body, _ = fetch(static_url)
        if static_status != 200 or len(static_body) != page["bytes"]:
            raise RuntimeError(f"{static_url}: {static_status}, {len(static_body)} bytes, not {page['bytes']}")
        entry = {"path": page["path"], "status": status, "bytes": len(body), "rendered_bytes": page["bytes"]}
        print(f"  {name:12} {status} {len(body):>9,} bytes  {page['path']}", flush=True)
        for label, target, clients, with_cookie in (
            ("c1", url, 1, cookie),
            ("static_c1", static_url, 1, ""),
            ("c8", url, 8, cookie),
            ("static_c8", static_url, 8, ""),
        ):
            # One request first: it waits for what the previous run left in the workers' queue
            # (eight clients of a slow page), so that each run starts on an idle server.
            fetch(target, cookie=with_cookie)
            entry[label] = run_wrk(target, clients=clients, seconds=seconds, cookie=with_cookie)
        if name in REVALIDATED:
            entry["revalidated_304"] = revalidates(url, headers)
        print(
            f"  {'':12} p50 {_ms(entry['c1']['p50_ms'])} ms  p95 {_ms(entry['c1']['p95_ms'])} ms  "
            f"static p50 {_ms(entry['static_c1']['p50_ms'])} ms  8 clients {entry['c8']['rps']:,.1f} rps",
            flush=True,
        )
        result["pages"][name] = entry
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), current_setting('server_version')")
        result["database_bytes"], server_version = cursor.fetchone()
    result["worker_rss_bytes"] = [_rss(pid) for pid in _workers(master_pid)] if master_pid else []
    result["machine"] = {
        "nproc": os.cpu_count(),
        "load_before": load_before,
        "load_after": _load_average(),
        "postgresql": server_version,
    }
    return result


def fetch(url: str, *, cookie: str = "", headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def revalidates(url: str, headers: dict) -> bool:
    """A repeat of the request with the ETag it answered: 304 (no body)?"""
    etag = headers.get("ETag")
    if not etag:
        return False
    status, _body, _headers = fetch(url, headers={"If-None-Match": etag})
    return status == 304


def _workers(master_pid: int) -> list[int]:
    """The gunicorn workers: the master's children, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == master_pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _rss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
