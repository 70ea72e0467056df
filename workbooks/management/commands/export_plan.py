import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from workbooks.plan_export import plan_document, plan_rows
from workbooks.plan_workbook import write_workbook


class Command(BaseCommand):
    help = "Write a plan as its workbook (.xlsx, the default) or as the plan JSON document."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["xlsx", "json"], default="xlsx")
        parser.add_argument("--output", "-o", type=Path, help="File to write (default: SLUG.xlsx; JSON goes to stdout)")

    def handle(self, *args, slug: str, format: str, output: Path | None, **options):
        if not Plan.objects.filter(slug=slug).exists():
            raise CommandError(f"計画「{slug}」はありません。")
        if format == "json":
            text = json.dumps(plan_document(slug), ensure_ascii=False, indent=2)
            if output:
                output.write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        output = output or Path(f"{slug}.xlsx")
        if str(output) == "-":
            sys.stdout.buffer.write(write_workbook(plan_rows(slug)))
            return
        output.write_bytes(write_workbook(plan_rows(slug)))
        self.stdout.write(f"wrote {output}")
