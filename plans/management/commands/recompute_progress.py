"""python manage.py recompute_progress [--all | --plan SLUG] [--jobs N]: rebuild the stored progress
in bulk, a batch of plans a transaction (``plans.services.progress.recompute_plans``).

With ``--jobs N`` (PostgreSQL) N processes share the work, each with its own database connection
and a disjoint set of plans (``recompute_in_processes``).
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from plans.models import Kpi, Plan
from plans.services.progress import PLANS_PER_BATCH, recompute_in_processes


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
        show = options["verbosity"] > 1 or sys.stdout.isatty()
        started = time.perf_counter()
        done = rows = 0
        for plans_done, written in recompute_in_processes(plan_ids, jobs=jobs, batch_size=batch):
            done += plans_done
            rows += written
            if show:
                self.stdout.write(f"\r{done}/{len(plan_ids)} plans, {rows} rows", ending="")
        if show:
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        pace = kpi_count / elapsed if elapsed else 0
        self.stdout.write(
            f"Recomputed {len(plan_ids)} plan(s): {rows} rows in {elapsed:.1f} s "
            f"({kpi_count} KPIs, {pace:.0f} KPIs/s, {jobs} job(s))"
        )
