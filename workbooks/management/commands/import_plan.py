from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.validation import summarise_problems
from workbooks.limits import size_problem
from workbooks.plan_import import import_plan_workbook
from workbooks.plan_workbook import ImportRefused


class Command(BaseCommand):
    help = "Create or update a plan from a plan workbook (.xlsx). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"ファイルが見つかりません: {file}")
        too_big = size_problem(file.stat().st_size)  # before reading it (settings.UPLOAD_MAX_BYTES)
        if too_big:
            raise CommandError(f"取り込めませんでした（何も保存していません）: {too_big}")
        try:
            result = import_plan_workbook(file.read_bytes())
        except ImportRefused as error:
            raise CommandError(
                f"取り込めませんでした（{len(error.problems)}件の問題。何も保存していません）:\n"
                + "\n".join(summarise_problems(error.problems))
            ) from error
        self.stdout.write(
            f"{result.plan.slug}: {result.created} created, {result.updated} updated, {result.deleted} deleted"
        )
