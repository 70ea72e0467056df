"""python manage.py recompute_progress [--plan SLUG]: rebuild the stored progress in bulk."""

import time

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.services.progress import recompute_plan


class Command(BaseCommand):
    help = "Rebuild every KPI-year's stored progress and the tallies, for staff and the public."

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="SLUG", help="only this plan (default: every plan)")

    def handle(self, *args, plan=None, **options):
        plans = Plan.objects.order_by("pk")
        if plan:
            plans = plans.filter(slug=plan)
            if not plans.exists():
                raise CommandError(f"計画「{plan}」はありません。")
        started = time.perf_counter()
        rows = 0
        for plan_id, slug in plans.values_list("pk", "slug"):
            written = recompute_plan(plan_id)
            rows += written
            if options["verbosity"] > 1:
                self.stdout.write(f"{slug}: {written} rows")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Recomputed {plans.count()} plan(s): {rows} rows in {elapsed:.1f} s")
