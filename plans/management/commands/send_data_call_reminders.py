"""python manage.py send_data_call_reminders [--date YYYY-MM-DD] [--dry-run]: for cron.

E-mails each department asked by an open data call (照会) that still misses values, at most once
a day per call and department (``plans.services.data_calls``); prints one Japanese line per call.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.rules.notation import format_year
from plans.services import data_calls

# How each outcome is counted in the summary line, in this order.
SUMMARY = (
    (data_calls.SENT, "督促"),
    (data_calls.WOULD_SEND, "督促予定"),
    (data_calls.ALREADY_SENT, "本日送信済"),
    (data_calls.NOTHING_MISSING, "未入力なし"),
    (data_calls.NO_RECIPIENTS, "宛先なし"),
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日付「{text}」は YYYY-MM-DD で指定してください。") from error


class Command(BaseCommand):
    help = "E-mail the departments of every open data call that still miss values (once a day per call)."

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day the reminders count for (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be sent; send and record nothing")

    def handle(self, *args, **options):
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        results = data_calls.remind_open_calls(today=today, dry_run=options["dry_run"])
        if not results:
            self.stdout.write("開いている照会はありません。")
        for call, reminders in results:
            parts = []
            for outcome, label in SUMMARY:
                departments = [reminder for reminder in reminders if reminder.outcome == outcome]
                if departments:
                    names = "、".join(reminder.department.name for reminder in departments)
                    mails = sum(len(reminder.recipients) for reminder in departments)
                    count = f"{len(departments)}課" + (f"（{mails}通）" if mails else "")
                    parts.append(f"{label} {count}: {names}")
            prefix = "［試行］" if options["dry_run"] else ""
            summary = " / ".join(parts) or "照会先の担当課がありません"
            self.stdout.write(f"{prefix}{call.plan.title} {format_year(call.year)}: {summary}")
