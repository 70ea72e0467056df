"""Benchmarks, run by `make bench`: each prints its timings and query counts and writes them to
benchmarks/results/<name>.json. Speed is measured here, never asserted in tests.

    python -m benchmarks            # all
    python -m benchmarks seeds      # one
"""

import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpi_tracker.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///" + str(Path(__file__).resolve().parent.parent / "var" / "bench.sqlite3"))
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def measure(function, repeat: int = 3) -> dict:
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(context.captured_queries)
    return {"best_seconds": round(min(timings), 4), "median_seconds": round(sorted(timings)[len(timings) // 2], 4), "queries": queries}


def bench_seeds() -> dict:
    """Loading the six seed plans (first load, then the idempotent reload), and each plan's tallies."""
    from plans.models import Plan
    from plans.services.progress import plan_tallies
    from plans.services.seeds import load_seed_plans

    Plan.objects.all().delete()
    result = {"first_load": measure(load_seed_plans, repeat=1), "reload": measure(load_seed_plans)}
    for plan in Plan.objects.order_by("slug"):
        result[f"tallies:{plan.slug}"] = measure(lambda plan=plan: plan_tallies(plan.pk))
    return result


BENCHMARKS = {"seeds": bench_seeds}


def main(argv: list[str]) -> int:
    call_command("migrate", verbosity=0)
    names = argv[1:] or list(BENCHMARKS)
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        result = BENCHMARKS[name]()
        (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(f"== {name}")
        for key, value in result.items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
