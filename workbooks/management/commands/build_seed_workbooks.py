from django.core.management.base import BaseCommand

from workbooks.seeds import build_seed_workbooks


class Command(BaseCommand):
    help = "Regenerate the seed plan workbooks (fixtures/plans/*.xlsx) from the transcriptions."

    def handle(self, *args, **options):
        for path in build_seed_workbooks():
            self.stdout.write(f"wrote {path}")
