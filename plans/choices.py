"""Choices shared by models, services and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    STRATEGY = "strategy", _("Comprehensive strategy (総合戦略)")
    VISION = "vision", _("Regional vision (連携中枢都市圏ビジョン)")
    OTHER = "other", _("Other plan")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    MAINTAIN = "maintain", _("Maintain")


class YearKind(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal year (年度)")
    CALENDAR = "calendar", _("Calendar year (年)")


class KpiLevel(models.TextChoices):
    PLAN = "plan", _("Plan")
    GOAL = "goal", _("Goal")
    DIRECTION = "direction", _("Policy direction")
    PACKAGE = "package", _("Policy package")
    PROJECT = "project", _("Project")


class ActualStatus(models.TextChoices):
    MEASURED = "measured", _("Measured")
    PENDING = "pending", _("Being compiled (集計中)")
    UNMEASURED = "unmeasured", _("Not measured (未把握)")
    BLANK = "blank", _("No value printed")
    UNPARSED = "unparsed", _("Needs attention (unreadable)")


class SuccessorLink(models.TextChoices):
    CONTINUED = "continued", _("Continued")
    MOVED = "moved", _("Moved from another direction")
    REPLACED = "replaced", _("Replaced")


class RatingKind(models.TextChoices):
    MARK = "mark", _("Yearly progress mark")
    OUTLOOK = "outlook", _("Outlook rating")


class TallyScope(models.TextChoices):
    PLAN = "plan", _("Plan")
    GOAL = "goal", _("Goal")
    DIRECTION = "direction", _("Policy direction")


class Mark(models.TextChoices):
    ACHIEVED = "○", _("Achieved (100% or more)")
    ROUGHLY = "△", _("Roughly achieved (70% to under 100%)")
    NOT_ACHIEVED = "×", _("Not achieved (under 70%)")
    NONE = "-", _("Cannot be judged yet")


class Outlook(models.TextChoices):
    A = "A", _("Target already met")
    B = "B", _("On track to reach the target")
    C = "C", _("Projected 70% to under 100%")
    D = "D", _("Projected above 0% but under 70%")
    E = "E", _("No progress or moving away")
    NONE = "-", _("No actual yet")
