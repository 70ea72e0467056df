"""python manage.py recompute_progress [--all | --plan SLUG] [--jobs N]: rebuild the stored progress
in bulk, a batch of plans a transaction (``plans.services.progress.recompute_plans``).

With ``--jobs N`` (PostgreSQL) N processes share the work, each with its own database connection
and a disjoint set of plans: the rules are pure Python, so a second core doubles the pace.
"""

import multiprocessing
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from plans.models import Kpi, Plan
from plans.services.progress import PLANS_PER_BATCH, recompute_plans


def _recompute_batch(plan_ids: list[int]) -> tuple[int, int]:
    """One batch in a worker process: (plans, rows written)."""
    return len(plan_ids), sum(recompute_plans(plan_ids))


class Command(BaseCommand):
    help = "Rebuild every KPI-year's stored progress and the tallies, for staff and the public."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--plan", metavar="SLUG", help="only this plan")
        scope.add_argument("--all", action="store_true", help="every plan (the default)")
        parser.add_argument(
            "--jobs", type=int, default=1, metavar="N", help="worker processes (PostgreSQL only; default 1)"
        )
        parser.add_argument("--batch", type=int, default=PLANS_PER_BATCH, metavar="PLANS", help="plans a transaction")

    def handle(self, *args, plan=None, jobs=1, batch=PLANS_PER_BATCH, **options):
        plans = Plan.objects.order_by("pk")
        if plan:
            plans = plans.filter(slug=plan)
            if not plans.exists():
                raise CommandError(f"計画「{plan}」はありません。")
        if jobs < 1 or batch < 1:
            raise CommandError("--jobs と --batch は1以上を指定してください。")
        if jobs > 1 and connection.vendor == "sqlite":
            self.stderr.write("SQLite は同時に一つしか書き込めないため、--jobs 1 で実行します。")
            jobs = 1
        plan_ids = list(plans.values_list("pk", flat=True))
        kpi_count = Kpi.objects.filter(plan_id__in=plans.values("pk")).count()
        batches = [plan_ids[start : start + batch] for start in range(0, len(plan_ids), batch)]
        started = time.perf_counter()
        done = rows = 0
        for plans_done, written in self._run(batches, jobs):
            done += plans_done
            rows += written
            if options["verbosity"] > 1 or sys.stdout.isatty():
                self.stdout.write(f"\r{done}/{len(plan_ids)} plans, {rows} rows", ending="")
        if options["verbosity"] > 1 or sys.stdout.isatty():
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        pace = kpi_count / elapsed if elapsed else 0
        self.stdout.write(
            f"Recomputed {len(plan_ids)} plan(s): {rows} rows in {elapsed:.1f} s "
            f"({kpi_count} KPIs, {pace:.0f} KPIs/s, {jobs} job(s))"
        )

    def _run(self, batches: list[list[int]], jobs: int):
        """(plans, rows) per batch, in this process or in ``jobs`` forked ones."""
        if jobs == 1:
            for plan_ids in batches:
                yield _recompute_batch(plan_ids)
            return
        connections.close_all()  # a forked child must not share the parent's connection
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap_unordered(_recompute_batch, batches)
