from django.core.management.base import BaseCommand, CommandError

from workbooks.plan_workbook import ImportRefused
from workbooks.seeds import load_seed_plans


class Command(BaseCommand):
    help = "Load the seed plans (fixtures/plans/*.xlsx). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        try:
            results = load_seed_plans()
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        for slug, result in results.items():
            self.stdout.write(f"{slug}: {result.created} created, {result.updated} updated, {result.deleted} deleted")
