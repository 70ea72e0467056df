"""python manage.py generate_demo_data --municipalities N --kpis-per-plan K --years Y [--seed S]:
synthetic strategy plans for N municipalities of Japan (1,741 for the whole country), their
actuals and their stored progress, written in bulk (``plans.demo.generator``).

Meant for an empty database (a benchmark's throwaway cluster, a local demo): it refuses to run
when demo plans are already there. A progress bar shows on a terminal only.
"""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from plans.demo.catalogue import NATIONAL_MUNICIPALITIES
from plans.demo.generator import Size, generate
from plans.models import Actual, Kpi, KpiYearProgress, Plan

PHASES = {"plans": "計画を作成", "progress": "進捗を計算"}
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Generate synthetic plans for N municipalities (K KPIs each, Y years of actuals) and their progress."

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=NATIONAL_MUNICIPALITIES, metavar="N")
        parser.add_argument("--kpis-per-plan", type=int, default=300, metavar="K")
        parser.add_argument("--years", type=int, default=10, metavar="Y")
        parser.add_argument("--seed", type=int, default=1, metavar="S")
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            metavar="N",
            help="worker processes (default: the cores, at most 2, on PostgreSQL; 1 on SQLite)",
        )

    def handle(self, *args, municipalities, kpis_per_plan, years, seed, jobs, **options):
        if not 1 <= municipalities <= NATIONAL_MUNICIPALITIES:
            raise CommandError(f"--municipalities は1〜{NATIONAL_MUNICIPALITIES}で指定してください。")
        if not 1 <= kpis_per_plan <= 2000 or not 1 <= years <= 50:
            raise CommandError("--kpis-per-plan は1〜2000、--years は1〜50で指定してください。")
        if connection.vendor != "postgresql":
            jobs = 1  # one writer at a time
        elif jobs is None:
            jobs = min(2, os.cpu_count() or 1)
        size = Size(municipalities=municipalities, kpis_per_plan=kpis_per_plan, years=years, seed=seed)
        show_bar = sys.stdout.isatty()
        started = time.perf_counter()
        phase_started = {}
        try:
            for phase, done, total in generate(size, jobs=jobs):
                phase_started.setdefault(phase, time.perf_counter())
                if show_bar:
                    self._bar(phase, done, total, time.perf_counter() - phase_started[phase])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if show_bar:
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        demo = Plan.objects.filter(slug__startswith="demo-")
        self.stdout.write(
            f"Generated {demo.count()} plan(s), {Kpi.objects.filter(plan__in=demo).count()} KPIs, "
            f"{Actual.objects.filter(kpi__plan__in=demo).count()} actuals, "
            f"{KpiYearProgress.objects.filter(plan__in=demo).count()} progress rows in {elapsed:.1f} s "
            f"(seed {seed}, {jobs} job(s))"
        )

    def _bar(self, phase: str, done: int, total: int, elapsed: float) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        remaining = elapsed / done * (total - done) if done else 0
        self.stdout.write(
            f"\r{PHASES[phase]} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} 残り約{remaining:.0f}秒 ",
            ending="",
        )
        self.stdout.flush()
