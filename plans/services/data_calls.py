"""Writes of the data calls (照会): a planner opens a call for a plan's year with a deadline per
department, closes it, and departments with missing values are reminded by e-mail.

A reminder goes to a department at most once a day for a call, whoever sends it (the nightly
``send_data_call_reminders`` or a planner's 「今すぐ督促」). The database keeps that promise:
``ReminderSent`` is unique per call, department and day, and it is written *before* the mail in
one transaction, so that a second sender on the same day fails on the constraint and sends
nothing, and a mail that cannot be sent rolls its row back (to be tried again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from plans import access
from plans.models import DataCall, DataCallDepartment, Department, Plan, ReminderSent
from plans.rules.notation import format_year
from plans.selectors.data_calls import Deadline, missing_kpis, reachable_departments


class CallRefused(Exception):
    """A call the rules refuse to open or change; ``str()`` is the message for the user (Japanese)."""


# What a reminder attempt came to.
SENT = "sent"
WOULD_SEND = "would send"  # a dry run
ALREADY_SENT = "already sent"  # today, for this call and department
NOTHING_MISSING = "nothing missing"
NO_RECIPIENTS = "no recipients"


@dataclass(frozen=True)
class Reminder:
    department: Department
    outcome: str
    recipients: tuple[str, ...] = ()
    missing: int = 0


# -- Opening and closing ------------------------------------------------------------------------


def open_call(
    user, plan: Plan, year: int, *, message: str, deadlines: dict[int, date], today: date | None = None
) -> DataCall:
    """Ask the departments in ``deadlines`` (department id → deadline) for ``plan``'s ``year``.

    Every department must be one the planner reaches (``reachable_departments``) and every
    deadline today or later. A call of the plan and year that is already open gains the
    departments it did not ask yet (a partner municipality's planner asks its own departments
    in a regional plan); one that asks them all already, or is closed, is refused.
    """
    today = today or timezone.localdate()
    reachable = reachable_departments(user, plan)
    if not reachable.exists():
        raise PermissionDenied
    if not deadlines:
        raise CallRefused("照会する担当課を選んでください。")
    outside = set(deadlines) - set(reachable.filter(pk__in=list(deadlines)).values_list("pk", flat=True))
    if outside:
        raise PermissionDenied("照会できない担当課が含まれています。")
    if any(deadline < today for deadline in deadlines.values()):
        raise CallRefused("締切に過去の日付は指定できません。")
    with transaction.atomic():
        call, _created = DataCall.objects.select_for_update().get_or_create(
            plan=plan, year=year, defaults={"message": message, "opened_by": user}
        )
        if call.closed_at is not None:
            raise CallRefused(f"{plan.title}の{format_year(year)}の照会は締め切り済みです。")
        asked = set(call.departments.values_list("department_id", flat=True))
        new = {department_id: deadline for department_id, deadline in deadlines.items() if department_id not in asked}
        if not new:
            raise CallRefused(f"{plan.title}の{format_year(year)}の照会はすでに開かれています。")
        DataCallDepartment.objects.bulk_create(
            DataCallDepartment(call=call, department_id=department_id, deadline=deadline)
            for department_id, deadline in new.items()
        )
    return call


def close_call(user, call: DataCall) -> None:
    """Close a call (departments no longer see it, reminders stop): the lead's planners only."""
    if not access.can_change_plan(user, call.plan):
        raise PermissionDenied
    if call.closed_at is not None:
        raise CallRefused("この照会はすでに締め切られています。")
    call.closed_at = timezone.now()
    call.save(update_fields=["closed_at"])


# -- Reminders ----------------------------------------------------------------------------------


def recipients_of(department_id: int) -> list[str]:
    """The e-mail addresses of the active staff logins working for the department."""
    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, staff_profile__departments=department_id)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def entry_url(department_id: int, year: int) -> str:
    """The department's entry page for the year: absolute when ``settings.SITE_URL`` is set."""
    path = reverse("entry:form", kwargs={"department": department_id, "year": year})
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def reminder_mail(call: DataCall, asked: DataCallDepartment, missing: list, today: date) -> tuple[str, str]:
    """The reminder's subject and body, in Japanese."""
    context = {
        "call": call,
        "plan": call.plan,
        "year": format_year(call.year),
        "department": asked.department,
        "deadline": asked.deadline,
        "due": Deadline(asked.deadline, today),
        "missing": missing,
        "url": entry_url(asked.department_id, call.year),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("staff/email/data_call_reminder_subject.txt", context).strip()
        body = render_to_string("staff/email/data_call_reminder.txt", context)
    return subject, body


def remind(call: DataCall, asked: DataCallDepartment, *, today: date, sent_by=None, dry_run: bool = False) -> Reminder:
    """E-mail one asked department of ``call`` the KPIs it still misses, unless it was reminded
    today already (the constraint decides), it misses nothing, or nobody there has an address."""
    department = asked.department
    missing = missing_kpis(call, asked.department_id)
    if not missing:
        return Reminder(department, NOTHING_MISSING)
    recipients = recipients_of(asked.department_id)
    if not recipients:
        return Reminder(department, NO_RECIPIENTS, missing=len(missing))
    if dry_run:
        sent_today = ReminderSent.objects.filter(call=call, department_id=asked.department_id, sent_on=today)
        outcome = ALREADY_SENT if sent_today.exists() else WOULD_SEND
        return Reminder(department, outcome, tuple(recipients), len(missing))
    subject, body = reminder_mail(call, asked, missing, today)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    call=call,
                    department_id=asked.department_id,
                    sent_on=today,
                    recipients=", ".join(recipients),
                    missing_count=len(missing),
                    sent_by=sent_by,
                )
        except IntegrityError:
            return Reminder(department, ALREADY_SENT, missing=len(missing))
        send_mail(subject, body, None, recipients)  # a failure rolls the row back
    return Reminder(department, SENT, tuple(recipients), len(missing))


def remind_now(user, call: DataCall, department_id: int, *, today: date | None = None) -> Reminder:
    """A planner's 「今すぐ督促」 for one department of an open call it follows."""
    if call.closed_at is not None:
        raise CallRefused("締め切られた照会では督促できません。")
    if not reachable_departments(user, call.plan).filter(pk=department_id).exists():
        raise PermissionDenied
    asked = call.departments.select_related("department").filter(department_id=department_id).first()
    if asked is None:
        raise PermissionDenied
    return remind(call, asked, today=today or timezone.localdate(), sent_by=user)


def remind_open_calls(*, today: date, dry_run: bool = False) -> list[tuple[DataCall, list[Reminder]]]:
    """Every open call's departments reminded as ``remind`` decides (the nightly command)."""
    results = []
    calls = DataCall.objects.filter(closed_at__isnull=True).select_related("plan").order_by("plan__slug", "year")
    for call in calls:
        asked = call.departments.select_related("department").order_by("department__name")
        results.append((call, [remind(call, item, today=today, dry_run=dry_run) for item in asked]))
    return results
