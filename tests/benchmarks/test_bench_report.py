"""The page benchmark's pure parts (benchmarks/pages.py) on canned wrk output: no wrk, no server.

`make bench` measures; these tests hold that what it measures is read and reported faithfully:
wrk's numbers in milliseconds, the latest.json shape the issue fixes, the issue's thresholds
judged the right way round, and static twins of exactly the page's size.
"""

import json

import pytest

from benchmarks import pages

# wrk 4.1's own report, then the line benchmarks/wrk_report.lua prints in done().
WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/plans/demo-023272/goals/1/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.61ms  480.21us  12.40ms   91.02%
    Req/Sec   620.31     40.12   700.00     72.00%
  Latency Distribution
     50%    1.52ms
     75%    1.70ms
     90%    2.01ms
     99%    3.90ms
  6180 requests in 10.00s, 330.12MB read
Requests/sec:    617.98
Transfer/sec:     33.01MB
WRK_JSON {"requests": 6180, "duration_us": 10000500, "bytes": 346157000, "p50_us": 1520, "p95_us": 2480, \
"p99_us": 3904, "max_us": 12400, "mean_us": 1610.4, "errors": {"connect": 0, "read": 1, "write": 0, "status": 2, \
"timeout": 0}}
""".replace("\\\n", "")

NOTHING_ANSWERED = (
    'WRK_JSON {"requests": 0, "duration_us": 10000000, "bytes": 0, "p50_us": 0, "p95_us": 0, "p99_us": 0, '
    '"max_us": 0, "mean_us": 0.0, "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 1}}\n'
)


def test_parse_wrk_reads_the_report_line_in_milliseconds():
    assert pages.parse_wrk(WRK_OUTPUT) == {
        "requests": 6180,
        "rps": 618.0,  # requests over the run's own duration, not wrk's rounded Requests/sec
        "p50_ms": 1.52,
        "p95_ms": 2.48,
        "p99_ms": 3.9,
        "max_ms": 12.4,
        "errors": 3,  # read errors and answers of 400 or more alike
    }


def test_parse_wrk_gives_no_latency_when_no_request_finished():
    parsed = pages.parse_wrk(NOTHING_ANSWERED)
    assert parsed["requests"] == 0 and parsed["rps"] == 0.0 and parsed["errors"] == 1
    assert parsed["p50_ms"] is parsed["p95_ms"] is parsed["p99_ms"] is None  # not 0 ms: the page never answered


def test_parse_wrk_refuses_output_without_the_report_line():
    with pytest.raises(ValueError, match="WRK_JSON"):
        pages.parse_wrk(WRK_OUTPUT.split("WRK_JSON")[0])


@pytest.mark.parametrize(
    ("clients", "cookie", "expected"),
    [
        (1, "", ["-t1", "-c1"]),
        (8, "", ["-t2", "-c8"]),  # two threads: the machine has two cores
        (8, "sessionid=abc; csrftoken=def", ["-t2", "-c8", "-H", "Cookie: sessionid=abc; csrftoken=def"]),
    ],
)
def test_wrk_command(clients, cookie, expected):
    command = pages.wrk_command("http://127.0.0.1:8000/", clients=clients, seconds=7, cookie=cookie)
    assert command[0] == "wrk" and command[-1] == "http://127.0.0.1:8000/"
    assert all(argument in command for argument in [*expected, "-d7s", "--latency", str(pages.WRK_SCRIPT)])
    assert command[command.index("-s") + 1].endswith("benchmarks/wrk_report.lua")


def test_the_lua_script_prints_what_parse_wrk_reads():
    script = pages.WRK_SCRIPT.read_text()
    assert "done = function(summary, latency, requests)" in script
    assert pages.WRK_MARK.strip() in script
    for key in ("p50_us", "p95_us", "p99_us", "requests", "duration_us", "errors"):
        assert f'"{key}"' in script


@pytest.mark.parametrize("size", [0, 1, 35, 12_345, 1_095_805])
def test_static_twin_has_exactly_the_page_size(size):
    assert len(pages._filler(size)) == size


def _run(numbers: dict, static: float = 0.5, scale: float = 1.0, **overrides) -> dict:
    """A run's result as pages.run builds it: for each page, its (p50, p95) with one client."""

    def wrk(p50, p95):
        return {"requests": 100, "rps": 50.0, "p50_ms": p50, "p95_ms": p95, "p99_ms": p95, "max_ms": p95, "errors": 0}

    result = {
        "date": "2026-12-01",
        "scale": scale,
        "municipalities": round(1741 * scale),
        "wrk_seconds": 10,
        "workers": 2,
        "generate_s": 300.0,
        "recompute_s": 45.0,
        "database_bytes": 190 * 1024 * 1024,
        "worker_rss_bytes": [120 * 1024 * 1024, 125 * 1024 * 1024],
        "machine": {"nproc": 2, "load_before": "1.00 1.00 1.00", "load_after": "2.00 1.50 1.00", "postgresql": "15"},
        "pages": {},
        **overrides,
    }
    for name, (p50, p95) in numbers.items():
        result["pages"][name] = {
            "path": f"/{name}/",
            "status": 200,
            "bytes": 30_000,
            "rendered_bytes": 30_000,
            "c1": wrk(p50, p95),
            "c8": wrk(p50 and p50 * 4, p95 and p95 * 4),
            "static_c1": wrk(static, static * 2),
            "static_c8": wrk(static * 3, static * 6),
            **({"revalidated_304": True} if name in pages.REVALIDATED else {}),
        }
    return result


def test_latest_json_has_the_shape_the_issue_fixes():
    data = pages.latest(_run({"goal": (1.2, 2.0), "csv": (40.0, 90.0)}))
    assert set(data) >= {"scale", "pages", "recompute_s", "generate_s"}
    assert data["scale"] == 1.0 and data["recompute_s"] == 45.0 and data["generate_s"] == 300.0
    goal = data["pages"]["goal"]
    assert {key: goal[key] for key in ("p50_ms", "p95_ms", "rps", "static_p50_ms", "ratio")} == {
        "p50_ms": 1.2,  # one client
        "p95_ms": 2.0,
        "rps": 50.0,
        "static_p50_ms": 0.5,
        "ratio": 2.4,
    }
    assert goal["c8"]["p50_ms"] == 4.8 and goal["bytes"] == 30_000
    assert data["pages"]["csv"]["revalidated_304"] is True
    json.dumps(data)  # plain JSON


@pytest.mark.parametrize(
    ("page_name", "p50", "p95", "expected"),
    [
        ("goal", 1.4, 90.0, {"goal: p95": True, "goal: p50": True}),  # 2.8× a 0.5 ms static file
        ("goal", 1.6, 90.0, {"goal: p95": True, "goal: p50": False}),  # 3.2×
        ("kpi", 1.0, 100.0, {"kpi: p95": False, "kpi: p50": True}),  # under 100 ms means under
        ("plan", 80.0, 149.0, {"plan: p95": True}),  # no ratio asked of the plan page
        ("search", 200.0, 400.0, {"search: p95": False}),
        ("csv", 100.0, 299.0, {"csv: p95": True, "csv: 304": True}),
        ("entry", None, None, {"entry: p95": None}),  # the page never answered: no number, not a pass
    ],
)
def test_checks_judge_the_issue_thresholds(page_name, p50, p95, expected):
    found = dict(pages.checks(_run({page_name: (p50, p95)})))
    judged = {prefix: next(passed for what, passed in found.items() if what.startswith(prefix)) for prefix in expected}
    assert judged == expected


@pytest.mark.parametrize(
    ("scale", "recompute_s", "generate_s", "expected"),
    [
        (1.0, 59.0, 599.0, (True, True)),
        (1.0, 61.0, 601.0, (False, False)),
        (0.05, 2.5, 25.0, (True, True)),  # 50 s and 500 s for the nation
        (0.05, 3.5, 35.0, (False, False)),  # 70 s and 700 s
    ],
)
def test_checks_extrapolate_generation_and_recompute_to_the_nation(scale, recompute_s, generate_s, expected):
    found = pages.checks(_run({}, scale=scale, recompute_s=recompute_s, generate_s=generate_s))
    judged = tuple(passed for what, passed in found if what.startswith(("recompute_progress", "generation")))
    assert judged == expected


def test_write_results_writes_the_table_and_latest_json(tmp_path):
    result = _run({"goal": (1.2, 2.0), "dashboard": (250.0, 400.0)}, scale=0.05)
    report, data = pages.write_results(result, tmp_path)
    assert report.name == "2026-12-01-0.05.md" and data.name == "latest.json"
    text = report.read_text()
    row = "| goal `/goal/` | 30,000 | 100 | 1.20 | 2.00 | 2.00 | 50.0 | 4.80 | 8.00 | 50.0 | 0.50 | 50.0 | 2.4× |"
    assert row in text
    assert "- FAIL: dashboard: p95 400.0 < 300 ms" in text
    assert "- pass: goal: p50 2.4× the static file's ≤ 3×" in text
    assert "| database size | 190 MB |" in text and "120 MB, 125 MB" in text
    assert json.loads(data.read_text())["pages"]["dashboard"]["p95_ms"] == 400.0
