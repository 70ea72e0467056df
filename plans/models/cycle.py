"""The yearly evaluation cycle around a plan: the data call (照会) to departments, reminders,
reopening a published year, and the external committee's comments and the planner's evaluation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.geography import Department
from plans.models.limits import LONG_TEXT_CHARS, length_checks
from plans.models.plan import YEAR_RANGE, Goal, Plan

USER = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}


class DataCall(models.Model):
    """A planner's call (照会) for a plan's actuals of one fiscal year, with a deadline per department."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="data_calls", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year asked for"))
    message = models.TextField(_("message to departments"), max_length=LONG_TEXT_CHARS, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), **USER)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data call")
        verbose_name_plural = _("data calls")
        ordering = ["plan_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *length_checks(message=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.plan} {self.year}"


class DataCallDepartment(models.Model):
    """A department asked in a data call, and its deadline."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="departments", verbose_name=_("call"))
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="data_calls", verbose_name=_("department")
    )
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("department asked")
        verbose_name_plural = _("departments asked")
        ordering = ["call_id", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "department"], name="%(app_label)s_%(class)s_unique_department"),
        ]

    def __str__(self):
        return f"{self.call} {self.department}"


class ReminderSent(models.Model):
    """A reminder e-mailed to a department for a call: at most one per call, department and day."""

    call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("call"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+", verbose_name=_("department"))
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), max_length=LONG_TEXT_CHARS, blank=True)
    missing_count = models.PositiveIntegerField(_("values missing"), default=0)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), **USER)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["call_id", "-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "department", "sent_on"], name="%(app_label)s_%(class)s_once_a_day"
            ),
            *length_checks(recipients=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.call} {self.department} {self.sent_on}"


class YearReopening(models.Model):
    """A published year a planner reopened for corrections, with the reason (kept and shown)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reopenings", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"), max_length=LONG_TEXT_CHARS)
    reopened_at = models.DateTimeField(_("reopened at"), auto_now_add=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), **USER)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reopened year")
        verbose_name_plural = _("reopened years")
        ordering = ["plan_id", "year", "reopened_at"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="%(app_label)s_%(class)s_reason_required"),
            models.UniqueConstraint(
                fields=["plan", "year"],
                condition=Q(closed_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open",
            ),
            *length_checks(reason=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.plan} {self.year}"


class CommitteeComment(models.Model):
    """A comment of the external committee (外部検証会議, 審議会) on a goal's year."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="committee_comments", verbose_name=_("goal"))
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("comment"), max_length=LONG_TEXT_CHARS)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), **USER)
    author_name = models.CharField(_("author as shown"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee comment")
        verbose_name_plural = _("committee comments")
        ordering = ["goal_id", "year", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            models.CheckConstraint(condition=~Q(text=""), name="%(app_label)s_%(class)s_text_required"),
            *length_checks(text=LONG_TEXT_CHARS, author_name=100),
        ]

    def __str__(self):
        return f"{self.goal} {self.year}: {self.text[:30]}"


class GoalEvaluation(models.Model):
    """The planner's evaluation text of a goal for a year (versioned by its history)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("goal"))
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("evaluation"), max_length=LONG_TEXT_CHARS)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), **USER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal evaluation")
        verbose_name_plural = _("goal evaluations")
        ordering = ["goal_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="%(app_label)s_%(class)s_year_in_range"),
            *length_checks(text=LONG_TEXT_CHARS),
        ]

    def __str__(self):
        return f"{self.goal} {self.year}"
