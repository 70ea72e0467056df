"""Benchmarks, run by `make bench`: each prints its timings and query counts and writes them to
benchmarks/results/<name>.json. Speed is measured here, never asserted in tests. benchmarks/README.md
says what each measures.

    python -m benchmarks                      # all of the benchmarks below (not the pages)
    python -m benchmarks seeds                # one
    BENCH_SCALE=0.05 python -m benchmarks generate recompute   # the synthetic nation, 5 % of it

The page benchmark (wrk against gunicorn on a throwaway PostgreSQL cluster) is `make bench`, i.e.
scripts/bench.sh, which calls the steps `pages-prepare` and `pages` here (benchmarks/pages.py).
"""

import json
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpi_tracker.settings")
os.environ.setdefault(
    "DATABASE_URL", "sqlite:///" + str(Path(__file__).resolve().parent.parent / "var" / "bench.sqlite3")
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import pages  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
NATION = 1741  # municipalities in Japan
SCALE = float(os.environ.get("BENCH_SCALE", "0.05"))
KPIS_PER_PLAN, YEARS = 300, 10
JOBS = int(os.environ.get("BENCH_JOBS", "2"))


def measure(function, repeat: int = 3) -> dict:
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(context.captured_queries)
    return {
        "best_seconds": round(min(timings), 4),
        "median_seconds": round(sorted(timings)[len(timings) // 2], 4),
        "queries": queries,
    }


def bench_seeds() -> dict:
    """Loading the six seed plans (first load, then the idempotent reload), and each plan's tallies."""
    from plans.models import Plan
    from plans.selectors.progress import plan_tallies
    from workbooks.seeds import load_seed_plans

    Plan.objects.all().delete()
    result = {"first_load": measure(load_seed_plans, repeat=1), "reload": measure(load_seed_plans)}
    for plan in Plan.objects.order_by("slug"):
        result[f"tallies:{plan.slug}"] = measure(lambda plan=plan: plan_tallies(plan.pk))
    return result


def _upload_fixture(rows: int):
    """A plan of ``rows`` KPIs in one department, a planner, and the filled entry workbook."""
    import io
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from openpyxl import load_workbook

    from plans.access import PLANNER
    from plans.models import Department, Goal, Kpi, Municipality, Plan, PolicyDirection, StaffProfile
    from plans.services.actuals import entry_rows
    from workbooks.entry_workbook import INPUT_SUFFIX, SHEET, write_entry_workbook

    Plan.objects.filter(slug="bench-upload").delete()
    town, _ = Municipality.objects.get_or_create(name="ベンチ市")
    department, _ = Department.objects.get_or_create(municipality=town, name="ベンチ課")
    plan = Plan.objects.create(
        slug="bench-upload", title="ベンチ計画", municipality=town, first_year=2020, last_year=2025
    )
    goal = Goal.objects.create(plan=plan, number=1, title="目標")
    direction = PolicyDirection.objects.create(plan=plan, goal=goal, code="1(1)", title="施策")
    Kpi.objects.bulk_create(
        Kpi(
            plan=plan,
            level="direction",
            policy_direction=direction,
            code=f"K{index}",
            name=f"指標{index}",
            department=department,
            baseline_year=2019,
            baseline_value=Decimal(100),
            baseline_raw="100人",
            target_year=2025,
            target_value=Decimal(160),
            target_raw="160人",
            order=index,
        )
        for index in range(rows)
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-planner")
    user.groups.add(Group.objects.get(name=PLANNER))
    StaffProfile.objects.update_or_create(user=user, defaults={"municipality": town})
    content = write_entry_workbook(entry_rows(user, 2024, plan_id=plan.pk), 2024, title=plan.title)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET]
    column = next(cell.column for cell in sheet[1] if str(cell.value).endswith(INPUT_SUFFIX))
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value=f"{120 + row % 50:,}人")
    output = io.BytesIO()
    workbook.save(output)
    return plan, user, output.getvalue()


def bench_upload(rows: int = 2000) -> dict:
    """Upload an entry workbook of 2,000 KPI rows: preview (read + check) and commit."""
    from plans.models import Actual
    from plans.services.actuals import apply, preview
    from workbooks.entry_workbook import read_entry_workbook

    plan, user, content = _upload_fixture(rows)
    result = {"rows": rows}
    holder = {}

    def do_preview():
        _year, submissions, problems = read_entry_workbook(content)
        holder["preview"] = preview(user, submissions)
        assert not problems and not holder["preview"].problems, holder["preview"].problems[:3]

    def do_commit():
        apply(user, holder["preview"].changes)

    result["preview"] = measure(do_preview)
    assert len(holder["preview"].changes) == rows
    commits = []
    for _ in range(3):
        Actual.objects.filter(kpi__plan=plan).delete()
        commits.append(measure(do_commit, repeat=1))
    result["commit"] = {
        "best_seconds": min(commit["best_seconds"] for commit in commits),
        "queries": commits[-1]["queries"],
    }
    plan.delete()
    return result


def _synthetic_plans(kpis: int, per_plan: int = 500) -> list[int]:
    """``kpis`` KPIs in plans of ``per_plan`` (3 goals, 2 directions each), with a baseline, a final
    target, a stated target and actuals for five years, increasing, decreasing and maintain."""
    from decimal import Decimal

    from plans.models import Actual, Goal, Kpi, Municipality, Plan, PolicyDirection, YearlyTarget

    Plan.objects.filter(slug__startswith="bench-progress-").delete()
    town, _ = Municipality.objects.get_or_create(name="ベンチ市")
    plan_ids = []
    for number in range(kpis // per_plan):
        plan = Plan.objects.create(
            slug=f"bench-progress-{number}",
            title=f"ベンチ計画{number}",
            municipality=town,
            first_year=2020,
            last_year=2024,
        )
        directions = []
        for goal_number in (1, 2, 3):
            goal = Goal.objects.create(plan=plan, number=goal_number, title=f"目標{goal_number}")
            directions += [
                PolicyDirection.objects.create(plan=plan, goal=goal, code=f"{goal_number}({index})", title="施策")
                for index in (1, 2)
            ]
        created = Kpi.objects.bulk_create(
            Kpi(
                plan=plan,
                level="direction",
                policy_direction=directions[index % len(directions)],
                code=f"K{index}",
                name=f"指標{index}",
                direction=("increase", "decrease", "maintain")[index % 3],
                baseline_year=2019,
                baseline_value=Decimal(100),
                target_year=2024,
                target_value=Decimal((150, 60, 100)[index % 3]),
                order=index,
            )
            for index in range(per_plan)
        )
        Actual.objects.bulk_create(
            Actual(kpi=kpi, year=year, value=Decimal(90 + (index * 7 + year) % 40), status="measured", raw="x")
            for index, kpi in enumerate(created)
            for year in range(2020, 2025)
        )
        YearlyTarget.objects.bulk_create(YearlyTarget(kpi=kpi, year=2022, value=Decimal(120)) for kpi in created)
        plan_ids.append(plan.pk)
    return plan_ids


def bench_progress(kpis: int = int(os.environ.get("BENCH_PROGRESS_KPIS", "50000"))) -> dict:
    """recompute_progress: the six seed plans, then a synthetic set of ``kpis`` KPIs (each KPI-year
    of five years and two views stored, and the tallies)."""
    from plans.models import KpiYearProgress, Plan
    from plans.services.progress import recompute_plan
    from workbooks.seeds import load_seed_plans

    if not Plan.objects.filter(slug="kurume-strategy-1").exists():
        load_seed_plans()
    seeds = list(Plan.objects.exclude(slug__startswith="bench-").values_list("pk", flat=True))
    result = {"seed_plans": measure(lambda: [recompute_plan(plan_id) for plan_id in seeds], repeat=1)}
    started = time.perf_counter()
    plan_ids = _synthetic_plans(kpis)
    result["synthetic_kpis"] = kpis
    result["synthetic_build_seconds"] = round(time.perf_counter() - started, 1)
    timing = measure(lambda: [recompute_plan(plan_id) for plan_id in plan_ids], repeat=1)
    rows = KpiYearProgress.objects.filter(plan_id__in=plan_ids).count()
    result["synthetic_recompute"] = {**timing, "rows": rows, "kpis_per_second": round(kpis / timing["best_seconds"])}
    Plan.objects.filter(pk__in=plan_ids).delete()
    return result


# --- the synthetic nation: generate_demo_data and recompute_progress at BENCH_SCALE ---------------

_demo: dict = {}  # the throwaway database of this run and what generating it took


@contextmanager
def _scratch_database():
    """A new, empty, migrated database for the synthetic nation (Django's test-database machinery:
    ``test_<name>`` on PostgreSQL, a file beside the bench database on SQLite), dropped at the end."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        scratch = str(Path(settings_dict["NAME"]).with_name("bench-nation.sqlite3"))
        Path(scratch).unlink(missing_ok=True)
        settings_dict["TEST"]["NAME"] = scratch
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _generated() -> dict:
    """generate_demo_data at BENCH_SCALE in the scratch database (once a run): N = round(1741 ×
    scale) plans of 300 KPIs and 10 years, stored progress included."""
    if not _demo:
        municipalities = max(1, round(NATION * SCALE))
        cpu = _cpu_seconds()
        started = time.perf_counter()
        call_command(
            "generate_demo_data",
            municipalities=municipalities,
            kpis_per_plan=KPIS_PER_PLAN,
            years=YEARS,
            seed=1,
            jobs=JOBS,
        )
        seconds = time.perf_counter() - started
        used = _cpu_used(cpu, _cpu_seconds())
        _demo.update(
            scale=SCALE,
            municipalities=municipalities,
            kpis=municipalities * KPIS_PER_PLAN,
            jobs=_jobs(),
            generate_s=round(seconds, 1),
            generate_nation_s_extrapolated=round(seconds / SCALE, 0) if SCALE < 1 else None,
            **used,
            generate_nation_s_on_idle_cores=_on_idle_cores(used, SCALE),
            engine=connection.vendor,
        )
    return _demo


def _cpu_seconds() -> dict:
    """CPU seconds so far of this process with its finished children (the forked workers), and of
    the PostgreSQL cluster when it runs on this machine (its postmaster, the backends it reaped,
    the ones alive). On a shared machine the wall time depends on the others' load; these do not."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = {"python": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime}
    if connection.vendor == "postgresql":
        seconds["postgres"] = _cluster_cpu()
    return seconds


def _cluster_cpu() -> float | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            postmaster = int((Path(cursor.fetchone()[0]) / "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, parent = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(value) for value in fields[11:15]) / tick  # its own and its reaped children's
            elif parent == postmaster:
                total += (int(fields[11]) + int(fields[12])) / tick
        return total
    except (OSError, ValueError, IndexError):
        return None  # not on this machine, or not readable


def _cpu_used(before: dict, after: dict) -> dict:
    return {
        f"{name}_cpu_s": None
        if after.get(name) is None or before.get(name) is None
        else round(after[name] - before[name], 1)
        for name in after
    }


def _on_idle_cores(used: dict, share: float) -> float | None:
    """The nation's wall time on BENCH_CORES (default 2) otherwise idle cores, from the CPU seconds
    this share of it took (Python and PostgreSQL together, shared evenly over the cores)."""
    if any(value is None for value in used.values()):
        return None
    return round(sum(used.values()) / share / int(os.environ.get("BENCH_CORES", "2")))


def _jobs() -> int:
    return JOBS if connection.vendor == "postgresql" else 1  # SQLite lets one writer in at a time


def _database_bytes() -> int | None:
    if connection.vendor != "postgresql":
        return Path(connection.settings_dict["NAME"]).stat().st_size
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def bench_generate() -> dict:
    """generate_demo_data --municipalities round(1741 × BENCH_SCALE) --kpis-per-plan 300 --years 10,
    in a fresh database: the wall time, and the time the whole nation would take at this pace."""
    return {**_generated(), "database_bytes": _database_bytes()}


def bench_recompute() -> dict:
    """recompute_progress --all --jobs BENCH_JOBS over the generated plans, twice: finding the data
    as it was (every row computed and compared, none written: the usual case), then after the
    stored rows were emptied (every row written again: the worst case). Wall time, KPIs per
    second, and the nation extrapolated (522,300 KPIs) for each."""
    from plans.models import KpiYearProgress, ProgressTally

    demo = _generated()
    result = {"scale": SCALE, "kpis": demo["kpis"], "jobs": _jobs(), "engine": connection.vendor}
    for case in ("unchanged", "rewrite"):
        if case == "rewrite":
            ProgressTally.objects.all().delete()
            KpiYearProgress.objects.all().delete()
        cpu = _cpu_seconds()
        started = time.perf_counter()
        call_command("recompute_progress", all=True, jobs=JOBS)
        seconds = time.perf_counter() - started
        used = _cpu_used(cpu, _cpu_seconds())
        pace = demo["kpis"] / seconds
        result[case] = {
            "recompute_s": round(seconds, 1),
            "kpis_per_second": round(pace),
            "recompute_nation_s_extrapolated": round(NATION * KPIS_PER_PLAN / pace),
            **used,
            "recompute_nation_s_on_idle_cores": _on_idle_cores(used, demo["kpis"] / (NATION * KPIS_PER_PLAN)),
        }
    result["rows"] = KpiYearProgress.objects.count()
    result["recompute_s"] = result["unchanged"]["recompute_s"]
    return result


# --- pages under wrk: `make bench` (scripts/bench.sh), in two steps around gunicorn's start --------


def _bench_work() -> Path:
    return Path(os.environ.get("BENCH_WORK", str(Path(__file__).resolve().parent.parent / "var" / "bench")))


def pages_prepare() -> int:
    """Before gunicorn starts: the pages' URLs, the staff sessions and the static twins
    (benchmarks/pages.py, prepare). BENCH_HOST is the host:port gunicorn will answer on."""
    work = _bench_work()
    work.mkdir(parents=True, exist_ok=True)
    plan = pages.prepare(work, host=os.environ.get("BENCH_HOST", "127.0.0.1"))
    for name, page in plan["pages"].items():
        print(f"  {name:12} {page['bytes']:>9,} bytes  {page['path']}")
    return 0


def pages_run() -> int:
    """gunicorn up at BENCH_BASE_URL: wrk on every page and its twin, then the two result files and
    the thresholds (printed; never a failing exit code: this is a measurement)."""
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    timings = {
        key: float(os.environ[name]) if os.environ.get(name) else None
        for key, name in (("generate_s", "BENCH_GENERATE_S"), ("recompute_s", "BENCH_RECOMPUTE_S"))
    }
    master = os.environ.get("GUNICORN_PID")
    result = pages.run(
        _bench_work(),
        os.environ.get("BENCH_BASE_URL", "http://127.0.0.1:8000"),
        seconds=seconds,
        scale=SCALE,
        timings=timings,
        master_pid=int(master) if master else None,
    )
    report, data = pages.write_results(result, RESULTS)
    print(report.read_text())
    print(f"Wrote {report} and {data}")
    return 0


PAGE_STEPS = {"pages-prepare": pages_prepare, "pages": pages_run}  # run alone, by scripts/bench.sh


BENCHMARKS = {
    "seeds": bench_seeds,
    "upload": bench_upload,
    "progress": bench_progress,
    "generate": bench_generate,
    "recompute": bench_recompute,
}
NATIONAL = {"generate", "recompute"}  # run in a scratch database, not the bench database


def main(argv: list[str]) -> int:
    names = argv[1:] or list(BENCHMARKS)
    if len(names) == 1 and names[0] in PAGE_STEPS:
        return PAGE_STEPS[names[0]]()
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)} "
            f"(the pages: `make bench`, scripts/bench.sh)"
        )
        return 2
    call_command("migrate", verbosity=0)
    RESULTS.mkdir(exist_ok=True)
    local = [name for name in names if name not in NATIONAL]
    national = [name for name in names if name in NATIONAL]
    for name in local:
        _record(name, BENCHMARKS[name]())
    if national:
        with _scratch_database():
            for name in national:
                _record(name, BENCHMARKS[name]())
    return 0


def _record(name: str, result: dict) -> None:
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"== {name}")
    for key, value in result.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
